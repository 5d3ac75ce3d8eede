"""Past sessions with attendance and evaluation answers, so the reach dashboard and the semi-annual report have
figures to show and the evaluation pages have answers to read.

Forty-eight fictional learners (professions, provinces, settings, rural or remote practice and languages as
varied as the programme's audience; a dozen of them in the demo hub's spokes) attended the programme's
held sessions, a different two dozen or so at each. About half of those asked answered the session's
evaluation, with the default form's questions. The rows are history, so they are written as the platform
and a learner would have left them: a registration with its minutes (as an imported participant report
sets them), an evaluation request already answered, and the anonymous answers. Nothing is emailed: the
sessions are long past. Idempotent: learners are found by email, each registration by (person, session),
and a session a demo learner already attended (or whose attendees were asked) is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.choices import Language, PracticeSetting, Profession, Province
from accounts.models import User
from enrollment.models import Registration
from evaluation.models import Answer, EvaluationForm, EvaluationRequest, Intent, Question, Response
from hubs.models import Spoke, SpokeMembership
from sessions.models import Session

from . import people

LEARNERS = 48
SPOKE_MEMBERS = 12
SEED = 15
PROFESSIONS = [
    Profession.REGISTERED_NURSE,
    Profession.REGISTERED_NURSE,
    Profession.PSW,
    Profession.PHYSICIAN,
    Profession.REGISTERED_PRACTICAL_NURSE,
    Profession.NURSE_PRACTITIONER,
    Profession.SOCIAL_WORKER,
    Profession.PARAMEDIC,
    Profession.PHARMACIST,
    Profession.SPIRITUAL_CARE,
]
PROVINCES = [Province.ON, Province.ON, Province.ON, Province.BC, Province.AB, Province.QC, Province.MB, Province.NS]
SETTINGS = [
    PracticeSetting.LONG_TERM_CARE,
    PracticeSetting.PRIMARY_CARE,
    PracticeSetting.HOME_COMMUNITY,
    PracticeSetting.HOSPITAL_INPATIENT,
    PracticeSetting.HOSPICE,
]
FIRST_NAMES = [
    "Amélie",
    "Ben",
    "Chloé",
    "Daniel",
    "Émilie",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jasmine",
    "Kevin",
    "Léa",
]
LAST_NAMES = ["Bouchard", "Chen", "Desjardins", "Ellis", "Fournier", "Gill", "Hébert", "Ibrahim"]
NEXT_TOPICS = {
    "en": [
        "Managing delirium at the end of life",
        "Talking with families about stopping treatment",
        "Grief support for staff after a death",
        "Opioid rotation in frail older adults",
        "Advance care planning with people living with dementia",
    ],
    "fr": [
        "Le délirium en fin de vie",
        "Parler aux familles de l’arrêt des traitements",
        "Le soutien au deuil pour le personnel",
        "La planification préalable des soins et la démence",
    ],
}
CHANGES = {
    "en": [
        "Ask about goals of care earlier",
        "Use the symptom assessment scale at every visit",
        "Involve the family sooner",
    ],
    "fr": ["Aborder les objectifs de soins plus tôt", "Utiliser l’échelle d’évaluation des symptômes à chaque visite"],
}


def seed(*, today: dt.date, stdout: TextIO) -> None:
    if people.demo_person("admin") is None:
        return  # DEBUG is off: the people step has said so
    form = EvaluationForm.objects.filter(series__isnull=True).prefetch_related("questions").first()
    # A session one of the demo learners already attended was done by an earlier run (with or without a form).
    done = Registration.objects.filter(session=OuterRef("pk"), user__email__in=[_email(n) for n in _numbers()])
    held = list(
        Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__lte=timezone.now())
        .exclude(Exists(done))
        .exclude(evaluation_requests__isnull=False)
        .select_related("series")
        .order_by("starts_at")
    )
    if not held:
        return
    randomness = random.Random(SEED)  # the same demo on every machine
    with transaction.atomic():
        learners = _learners(randomness)
        attended = sessions_answered = 0
        for session in held:
            attendees = randomness.sample(learners, randomness.randint(16, 30))
            attended += _attend(session, attendees, randomness)
            if form is not None:
                sessions_answered += _evaluate(session, attendees, form, randomness)
    stdout.write(
        f"Reach demo: {attended} attendances over {len(held)} past sessions, "
        f"{sessions_answered} evaluations answered.\n"
    )


def _numbers() -> range:
    return range(1, LEARNERS + 1)


def _email(number: int) -> str:
    return f"learner{number:02d}@example.org"


def _learners(randomness: random.Random) -> list[User]:
    spokes = list(Spoke.objects.filter(hub=people.demo_hub(), archived_at__isnull=True).order_by("pk"))
    learners = []
    for number in _numbers():
        email = _email(number)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            settings = randomness.sample(SETTINGS, randomness.choice([1, 1, 2]))
            user = User.objects.create_user(
                email=email,
                first_name=FIRST_NAMES[number % len(FIRST_NAMES)],
                last_name=LAST_NAMES[number % len(LAST_NAMES)],
                profession=PROFESSIONS[number % len(PROFESSIONS)],
                province=PROVINCES[number % len(PROVINCES)],
                practice_settings=[str(value) for value in settings],
                rural_remote=number % 3 == 0,
                preferred_language=Language.FRENCH if number % 4 == 0 else Language.ENGLISH,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            if spokes and number <= SPOKE_MEMBERS:
                SpokeMembership.objects.get_or_create(spoke=spokes[number % len(spokes)], user=user)
        learners.append(user)
    return learners


def _attend(session: Session, attendees: list[User], randomness: random.Random) -> int:
    length = session.duration_minutes
    made = 0
    for user in attendees:
        registration, created = Registration.objects.get_or_create(
            user=user, session=session, defaults={"status": Registration.Status.REGISTERED}
        )
        if created or registration.attended_minutes is None:
            minutes = randomness.choice([length, length, length - 5, length - 15, 20])
            Registration.objects.filter(pk=registration.pk).update(
                attended_minutes=max(minutes, 1), registered_at=session.starts_at - dt.timedelta(days=7)
            )
            made += 1
    return made


def _evaluate(session: Session, attendees: list[User], form: EvaluationForm, randomness: random.Random) -> int:
    """Everyone was asked the day after; about half answered, most of them favourably."""
    asked_at = session.ends_at + dt.timedelta(days=1)
    questions = list(form.questions.all())
    answered = 0
    for user in attendees:
        answers_it = randomness.random() < 0.5
        EvaluationRequest.objects.create(
            user=user,
            session=session,
            created_at=asked_at,
            expires_at=asked_at + dt.timedelta(days=30),
            answered_at=asked_at + dt.timedelta(hours=randomness.randint(1, 72)) if answers_it else None,
        )
        if not answers_it:
            continue
        language = user.preferred_language
        response = Response.objects.create(
            form=form, session=session, submitted_on=timezone.localdate(asked_at), language=language
        )
        Answer.objects.bulk_create(
            [answer for question in questions if (answer := _answer(response, question, language, randomness))]
        )
        answered += 1
    return answered


def _answer(response: Response, question: Question, language: str, randomness: random.Random) -> Answer | None:
    if question.kind == Question.Kind.LIKERT:
        return Answer(response=response, question=question, rating=randomness.choice([5, 5, 4, 4, 4, 3, 2]))
    if question.kind == Question.Kind.INTENT:
        intent = randomness.choice([Intent.YES, Intent.YES, Intent.UNSURE, Intent.NO])
        text = randomness.choice(CHANGES[language]) if intent == Intent.YES and randomness.random() < 0.6 else ""
        return Answer(response=response, question=question, intent=intent, text=text)
    if randomness.random() < 0.4:
        return Answer(response=response, question=question, text=randomness.choice(NEXT_TOPICS[language]))
    return None
