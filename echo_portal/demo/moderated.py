"""A series of the demo hub registers by approval, and a demo person's request to join waits for its manager.

Northern Lakes runs "Northern Lakes Palliative Care Rounds (demo)", a small community of practice whose members
the hub accepts one by one. Samuel Whitehorse, a paramedic in a rural community, asked to join through the same
service a clinician's click goes through: the demo hub manager finds the request in the hub portal ("Requests to
join series") and in admin, and approving it emails Samuel the link to pick his sessions. The series and its
sessions are made once (a re-run leaves them as staff left them); once the request is answered, it stays answered.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.choices import Language, PracticeSetting, Profession, Province
from accounts.models import User
from enrollment import services
from series.models import Series
from sessions.models import Session
from sessions.schedule import Rule, plan_schedule

from . import people

SERIES_SLUG = "northern-lakes-palliative-care-rounds-demo"
REQUESTER_EMAIL = "samuel.whitehorse@example.org"
EASTERN = zoneinfo.ZoneInfo("America/Toronto")
SESSION_TITLES = [
    "Rounds: Recognising the Last Weeks of Life at Home",
    "Rounds: Symptom Relief When the Nearest Hospital Is Hours Away",
    "Rounds: Planning Care with Families Across Distances",
    "Rounds: Grief and Self-Care for Small Rural Teams",
]
CAPACITY = 25


def seed(*, today: dt.date, stdout: TextIO) -> None:
    hub = people.demo_hub()
    if people.demo_person("manager") is None or hub is None:
        return  # the people step has said why (DEBUG off, or no demo hub)
    series = _series(hub=hub, today=today)
    if User.objects.filter(email__iexact=REQUESTER_EMAIL).exists():
        return
    with transaction.atomic():
        paramedic = User.objects.create_user(
            email=REQUESTER_EMAIL,
            first_name="Samuel",
            last_name="Whitehorse",
            profession=Profession.PARAMEDIC,
            practice_settings=[PracticeSetting.HOME_COMMUNITY],
            province=Province.ON,
            organisation="Northern Lakes Home Care Team (demo)",
            rural_remote=True,
            preferred_language=Language.ENGLISH,
        )
        EmailAddress.objects.create(user=paramedic, email=paramedic.email, verified=True, primary=True)
        services.ask_to_join(
            user=paramedic,
            series=series,
            note="I cover a large rural area and often care for palliative patients at home overnight.",
            consent=True,
        )
    stdout.write(f"Samuel Whitehorse asked to join {series.title}: a request for the demo hub's manager to decide.\n")


def _series(*, hub, today: dt.date) -> Series:
    series, created = Series.objects.get_or_create(
        slug=SERIES_SLUG,
        defaults={
            "hub": hub,
            "title_en": "Northern Lakes Palliative Care Rounds (demo)",
            "title_fr": "Rondes en soins palliatifs de Northern Lakes (démo)",
            "kind": Series.Kind.COMMUNITY_OF_PRACTICE,
            "language": "en",
            "summary_en": "Monthly case rounds for rural and remote teams; the hub accepts each member.",
            "summary_fr": "Rondes de cas mensuelles pour les équipes rurales et éloignées; le carrefour accepte "
            "chaque membre.",
            "registration_mode": Series.RegistrationMode.APPROVAL,
            "capacity": CAPACITY,
            "status": Series.Status.PUBLISHED,
        },
    )
    if created:
        first = today + dt.timedelta(days=(3 - today.weekday()) % 7 + 14)  # a Thursday two weeks or more away
        occurrences = plan_schedule(
            first_date=first,
            start_time=dt.time(12, 0),
            duration_minutes=60,
            rule=Rule.MONTHLY_SAME_WEEKDAY,
            count=len(SESSION_TITLES),
        )
        for title, occurrence in zip(SESSION_TITLES, occurrences, strict=True):
            Session.objects.create(
                series=series, title_en=title, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at
            )
    return series
