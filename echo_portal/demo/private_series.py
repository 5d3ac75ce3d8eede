"""A series by invitation only, run by the demo hub: its manager invites a list and follows who joined.

"Rural Emergency Palliative Care Circle (demo)" is published with four sessions every two weeks from a
fortnight after the demo date. Nobody is invited yet: the manager's first upload is the demo. Visitors and
clinicians who were not invited get a 404 for it, as for any series that hides itself from them.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from series.models import Series
from sessions.models import Session
from sessions.schedule import Rule, plan_schedule

from . import people

SLUG = "rural-emergency-palliative-care-circle-demo"
SESSIONS = [
    ("Goals of care in the emergency department", "Objectifs de soins à l'urgence"),
    ("Symptom crises at home: what paramedics can do", "Crises de symptômes à domicile : le rôle des paramédics"),
    ("When the transfer is not the answer", "Quand le transfert n'est pas la solution"),
    ("Debriefing after a hard death", "Faire le point après un décès difficile"),
]


def seed(*, today: dt.date, stdout: TextIO) -> None:
    hub = people.demo_hub()
    if hub is None or Series.objects.filter(slug=SLUG).exists():
        return
    first = today + dt.timedelta(days=14 + (3 - (today + dt.timedelta(days=14)).weekday()) % 7)  # a Thursday
    with transaction.atomic():
        series = Series(
            hub=hub,
            slug=SLUG,
            kind=Series.Kind.COMMUNITY_OF_PRACTICE,
            language="en",
            status=Series.Status.PUBLISHED,
            registration_mode=Series.RegistrationMode.INVITATION,
            uninvited_view=Series.UninvitedView.HIDDEN,
            capacity=30,
            title_en="Rural Emergency Palliative Care Circle (demo)",
            title_fr="Cercle de soins palliatifs en urgence rurale (démo)",
            summary_en="For the emergency and paramedic teams of the Northern Lakes hub, by invitation of the hub.",
            summary_fr="Pour les équipes d'urgence et paramédicales du carrefour Northern Lakes, sur invitation du "
            "carrefour.",
        )
        series.full_clean()
        series.save()
        occurrences = plan_schedule(
            first_date=first, start_time=dt.time(12, 0), duration_minutes=60, rule=Rule.EVERY_2_WEEKS, count=4
        )
        for (title_en, title_fr), occurrence in zip(SESSIONS, occurrences, strict=True):
            Session.objects.create(
                series=series,
                title_en=title_en,
                title_fr=title_fr,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                join_url=f"https://zoom.example.org/j/{8_000_000_000 + occurrence.starts_at.toordinal()}",
            )
    stdout.write(f"{series.title_en}: a series by invitation only for the demo hub's manager to invite people to.\n")
