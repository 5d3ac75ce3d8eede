"""A request to join the demo hub waits for its manager, so the manager's first hour has one to approve.

Nadia Roy, a French-speaking registered nurse, asked to join the demo spoke through the same service
a clinician's click goes through: the manager has the request in the portal and its email in the
outbox, and approving it sends Nadia her answer in French. Once the manager has answered, the step
leaves it answered.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.choices import Language, Profession, Province
from accounts.models import User
from hubs import services
from hubs.models import Spoke

from . import people

REQUESTER_EMAIL = "nadia.roy@example.org"


def seed(*, today: dt.date, stdout: TextIO) -> None:
    hub = people.demo_hub()
    if people.demo_person("manager") is None or hub is None:
        return  # the people step has said why (DEBUG off, or no demo hub)
    spoke = Spoke.objects.filter(hub=hub, name=people.DEMO_SPOKE_NAME, archived_at__isnull=True).first()
    if spoke is None or User.objects.filter(email__iexact=REQUESTER_EMAIL).exists():
        return
    with transaction.atomic():
        nurse = User.objects.create_user(
            email=REQUESTER_EMAIL,
            first_name="Nadia",
            last_name="Roy",
            profession=Profession.REGISTERED_NURSE,
            province=Province.ON,
            preferred_language=Language.FRENCH,
        )
        EmailAddress.objects.create(user=nurse, email=nurse.email, verified=True, primary=True)
        services.request_to_join(spoke=spoke, user=nurse)
    stdout.write(f"Nadia Roy asked to join {spoke.name}: a request for the demo hub's manager to approve.\n")
