"""The demo leaves the manager a join request to approve: in the portal, and as an email in the outbox."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from echo_portal import demo
from echo_portal.demo import hub_requests, people
from hubs.models import SpokeMembership
from notifications.models import OutboundEmail


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_manager_finds_a_request_waiting_and_its_email(seeded):
    request = SpokeMembership.objects.get(user__email=hub_requests.REQUESTER_EMAIL)

    assert request.status == SpokeMembership.Status.REQUESTED
    assert request.spoke.hub == people.demo_hub()
    email = OutboundEmail.objects.get(
        recipient=people.MANAGER.email, idempotency_key=f"spoke-request:{request.pk}:{people.demo_person('manager').pk}"
    )
    assert email.subject == f"Nadia Roy asks to join {people.DEMO_SPOKE_NAME}"


def test_an_answered_request_stays_answered_when_the_demo_runs_again(seeded):
    SpokeMembership.objects.filter(user__email=hub_requests.REQUESTER_EMAIL).delete()  # the manager declined

    demo.run_steps(today=dt.date.today(), stdout=io.StringIO())

    assert not SpokeMembership.objects.filter(user__email=hub_requests.REQUESTER_EMAIL).exists()


def test_no_request_on_a_production_site(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())

    assert not SpokeMembership.objects.filter(user__email=hub_requests.REQUESTER_EMAIL).exists()
