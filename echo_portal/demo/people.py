"""The four demo people of DESIGN.md, so anyone trying the site can act in each role at once.

Created only when DEBUG is on (their passwords are public). The clinician is a family physician in
a rural spoke of the Northern Lakes demo hub, enrolled in the Long-Term Care community of practice
with its key and registered for its next sessions, all through the services a learner's clicks go
through (so the outbox holds their confirmation emails too). The manager runs that hub (its portal
and its scoped admin); the facilitator helps run it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TextIO

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.choices import Language, PracticeSetting, Profession, Province, TimeZone
from accounts.models import User
from enrollment import services as enrollment
from enrollment.models import Enrollment, Registration
from hubs import services as hubs
from hubs.models import Hub, HubMembership, Spoke, SpokeMembership
from series.models import Series

DEMO_HUB_SLUG = "northern-lakes"
DEMO_SPOKE_NAME = "Lakeshore Family Health Team (demo)"
LTC_COHORT_SLUG = "long-term-care-community-of-practice-new-cohort"
LTC_KEY = "LTC2122"
UPCOMING_REGISTRATIONS = 3


@dataclass(frozen=True)
class DemoPerson:
    role: str
    email: str
    password: str
    first_name: str
    last_name: str
    description: str


ADMIN = DemoPerson(
    "admin", "admin@example.org", "echo-demo-admin", "Alex", "Morin", "programme staff (superuser, Django admin)"
)
CLINICIAN = DemoPerson(
    "clinician",
    "clinician@example.org",
    "echo-demo-clinician",
    "Claire",
    "Tremblay",
    "family physician in a rural spoke, enrolled in the LTC community of practice",
)
MANAGER = DemoPerson(
    "manager", "manager@example.org", "echo-demo-manager", "Morgan", "Lee", "manager of the Northern Lakes demo hub"
)
FACILITATOR = DemoPerson(
    "facilitator",
    "facilitator@example.org",
    "echo-demo-facilitator",
    "Felix",
    "Okafor",
    "facilitator and panelist of the Northern Lakes demo hub",
)
PEOPLE: dict[str, DemoPerson] = {person.role: person for person in (ADMIN, CLINICIAN, MANAGER, FACILITATOR)}


def demo_person(role: str) -> User | None:
    """The demo user for `role` ("admin", "clinician", "manager", "facilitator"); None when absent or DEBUG is off."""
    if not settings.DEBUG:
        return None
    return User.objects.filter(email__iexact=PEOPLE[role].email).first()


def demo_hub() -> Hub | None:
    return Hub.objects.filter(slug=DEMO_HUB_SLUG).first()


def logins() -> list[DemoPerson]:
    return list(PEOPLE.values())


def seed(*, today: dt.date, stdout: TextIO) -> None:
    if not settings.DEBUG:
        stdout.write("Demo people not created: DEBUG is off (production).\n")
        return
    with transaction.atomic():
        admin = _person(ADMIN, is_superuser=True)
        clinician = _person(
            CLINICIAN,
            profession=Profession.PHYSICIAN,
            practice_settings=[PracticeSetting.PRIMARY_CARE, PracticeSetting.LONG_TERM_CARE],
            province=Province.ON,
            organisation=DEMO_SPOKE_NAME,
            rural_remote=True,
            preferred_language=Language.ENGLISH,
            time_zone=TimeZone.EASTERN,
        )
        manager = _person(MANAGER, province=Province.ON, organisation="Northern Lakes Palliative Hub (demo)")
        facilitator = _person(
            FACILITATOR,
            profession=Profession.REGISTERED_NURSE,
            province=Province.ON,
            organisation="Northern Lakes Palliative Hub (demo)",
        )
    hub = demo_hub()
    if hub is None:
        stdout.write(f"Demo people created without their hub: no hub with the slug {DEMO_HUB_SLUG!r}.\n")
        return
    _hub_role(hub=hub, user=manager, role=HubMembership.Role.MANAGER)
    hubs.grant_hub_manager_admin(user=manager)
    _hub_role(hub=hub, user=facilitator, role=HubMembership.Role.FACILITATOR)
    _join_spoke(hub=hub, user=clinician)
    _learn(user=clinician)
    del admin  # made above; the superuser needs nothing more


def _person(person: DemoPerson, *, is_superuser: bool = False, **profile) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        fields = {"first_name": person.first_name, "last_name": person.last_name, **profile}
        if is_superuser:
            user = User.objects.create_superuser(email=person.email, password=person.password, **fields)
        else:
            user = User.objects.create_user(email=person.email, password=person.password, **fields)
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def _hub_role(*, hub: Hub, user: User, role: str) -> None:
    HubMembership.objects.get_or_create(hub=hub, user=user, defaults={"role": role})


def _join_spoke(*, hub: Hub, user: User) -> None:
    spoke = Spoke.objects.filter(hub=hub, name=DEMO_SPOKE_NAME).first()
    if spoke is None:
        return
    membership, _created = hubs.request_to_join(spoke=spoke, user=user)
    if membership.status == SpokeMembership.Status.REQUESTED:
        hubs.approve_request(membership=membership)


def _learn(*, user: User) -> None:
    """Enroll with the LTC key and take a seat in the cohort's next sessions, as the clinician would."""
    cohort = Series.objects.filter(slug=LTC_COHORT_SLUG).first()
    if cohort is None:
        return
    if not Enrollment.objects.filter(user=user, series=cohort).exists():
        enrollment.enroll(user=user, series=cohort, key=LTC_KEY)
    if Registration.objects.filter(user=user, session__series=cohort).exists():
        return
    upcoming = cohort.sessions.scheduled().filter(starts_at__gt=timezone.now()).order_by("starts_at")
    enrollment.register(user=user, sessions=upcoming[:UPCOMING_REGISTRATIONS], consent=True)
