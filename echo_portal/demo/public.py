"""The public side's demo data: FAQ, a newsletter issue, a semi-annual report, a few mailing-list
subscribers (through the sign-up and confirmation services), a draft announcement and a partner inquiry.

Everything is marked "(demo)" where a visitor could take it for a real fact of the programme.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from content.models import FaqEntry, FaqTopic, Newsletter, Report
from outreach import services as partners
from outreach import subscriptions
from outreach.consent import CONSENT_VERSION
from outreach.models import Mailing, PartnerInquiry, Subscriber

FAQ = [
    (
        ("Joining", "Participation"),
        [
            (
                ("Who can take part?", "Qui peut participer?"),
                (
                    "Health care professionals across Canada: physicians, nurses, personal support workers, "
                    "paramedics, pharmacists, social workers, administrators and community leaders.",
                    "Les professionnels de la santé de partout au Canada : médecins, infirmières et infirmiers, "
                    "préposés aux services de soutien à la personne, paramédics, pharmaciens, travailleurs sociaux, "
                    "gestionnaires et leaders communautaires.",
                ),
            ),
            (
                ("What is an enrollment key?", "Qu’est-ce qu’une clé d’adhésion?"),
                (
                    "Some communities of practice are for a group of learners. Their organisers give them a key, "
                    "such as LTC2122, to enter on the community's page before choosing sessions.",
                    "Certaines communautés de pratique s’adressent à un groupe précis. Leurs organisateurs leur "
                    "remettent une clé, par exemple LTC2122, à saisir sur la page de la communauté avant de "
                    "choisir les séances.",
                ),
            ),
        ],
    ),
    (
        ("Sessions", "Séances"),
        [
            (
                ("I missed a session. Can I watch it?", "J’ai manqué une séance. Puis-je la regarder?"),
                (
                    "When a recording is published, registrants who missed the session receive it by email. "
                    "Past sessions and their materials are also listed under Past sessions.",
                    "Lorsqu’un enregistrement est publié, les personnes inscrites qui ont manqué la séance le "
                    "reçoivent par courriel. Les séances passées et leur matériel sont aussi sous Séances passées.",
                ),
            ),
        ],
    ),
]


def _seed_faq() -> int:
    made = 0
    for position, ((topic_en, topic_fr), entries) in enumerate(FAQ):
        topic, _ = FaqTopic.objects.get_or_create(
            title_en=topic_en, defaults={"title_fr": topic_fr, "position": position}
        )
        for entry_position, ((question_en, question_fr), (answer_en, answer_fr)) in enumerate(entries):
            _, created = FaqEntry.objects.get_or_create(
                topic=topic,
                question_en=question_en,
                defaults={
                    "question_fr": question_fr,
                    "answer_en": answer_en,
                    "answer_fr": answer_fr,
                    "position": entry_position,
                },
            )
            made += created
    return made


def _seed_archive(today: dt.date) -> None:
    Newsletter.objects.get_or_create(
        slug="demo-newsletter",
        defaults={
            "title_en": "Newsletter (demo)",
            "title_fr": "Bulletin (démo)",
            "published_on": today - dt.timedelta(days=30),
            "summary_en": "A demo issue: new communities of practice and a hub partner joining.",
            "summary_fr": "Un numéro de démonstration : nouvelles communautés de pratique et un nouveau carrefour.",
            "body_en": "<h2>New this season</h2><p>A demo issue written for trying the site.</p>",
            "body_fr": "<h2>Nouveautés de la saison</h2><p>Un numéro de démonstration pour essayer le site.</p>",
            "is_published": True,
        },
    )
    Report.objects.get_or_create(
        slug="demo-semi-annual-report",
        defaults={
            "title_en": "Semi-annual report (demo)",
            "title_fr": "Rapport semestriel (démo)",
            "period_en": "The last six months (demo)",
            "period_fr": "Les six derniers mois (démo)",
            "published_on": today - dt.timedelta(days=60),
            "summary_en": "A demo report for trying the archive.",
            "summary_fr": "Un rapport de démonstration pour essayer les archives.",
            "is_published": True,
        },
    )


DEMO_SUBSCRIBERS = [
    ("olivia.demo@example.org", "Olivia Martin", "registered_nurse", "ON", "en"),
    ("mathieu.demo@example.org", "Mathieu Bouchard", "physician", "QC", "fr"),
    ("priya.demo@example.org", "Priya Singh", "pharmacist", "BC", "en"),
]


def _seed_subscribers() -> int:
    made = 0
    for email, name, profession, province, language in DEMO_SUBSCRIBERS:
        if Subscriber.objects.with_email(email).exists():
            continue
        subscriber = subscriptions.request_subscription(
            details=subscriptions.Details(
                email=email, name=name, profession=profession, province=province, language=language
            ),
            consent=subscriptions.Consent(
                text="(demo) Consent given on the demo site.",
                version=CONSENT_VERSION,
                language=language,
                source="/stay-connected/",
            ),
        )
        subscriptions.confirm(token=subscriptions.confirmation_token(subscriber))
        made += 1
    return made


def seed(*, today: dt.date, stdout: TextIO) -> None:
    questions = _seed_faq()
    _seed_archive(today)
    subscribers = _seed_subscribers()
    Mailing.objects.get_or_create(
        subject_en="New community of practice (demo)",
        defaults={
            "subject_fr": "Nouvelle communauté de pratique (démo)",
            "body_en": "Registration is open.\n\nThis is a demo announcement: preview it and send a test to yourself.",
            "body_fr": "Les inscriptions sont ouvertes.\n\nCeci est une annonce de démonstration : prévisualisez-la "
            "et envoyez-vous un essai.",
        },
    )
    if not PartnerInquiry.objects.filter(email__iexact="partners.demo@example.org").exists():
        partners.submit_inquiry(
            data={
                "organisation": "Lakeshore Long-Term Care Group (demo)",
                "contact_name": "Marie Gagnon",
                "email": "partners.demo@example.org",
                "phone": "",
                "province": "ON",
                "organisation_kind": PartnerInquiry.OrganisationKind.LTC_OPERATOR,
                "communities_served": "Twelve homes around Sudbury and Timmins",
                "message": "We would like to run a community of practice for our nurses.",
            },
            language="en",
        )
    stdout.write(
        f"Public side: {questions} FAQ questions, {subscribers} mailing-list subscribers, a newsletter, "
        "a report, a draft announcement and a partner inquiry\n"
    )
