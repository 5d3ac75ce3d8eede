"""`seed_demo` creates the four demo people of DESIGN.md on a development site, and only there."""

import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from echo_portal import demo
from echo_portal.demo import people
from enrollment.models import Enrollment, Registration
from hubs.models import HubMembership, SpokeMembership
from notifications.models import OutboundEmail


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def debug_site(db, settings):
    settings.DEBUG = True
    return settings


def test_no_demo_people_when_debug_is_off(db, settings):
    settings.DEBUG = False

    output = _seed("--print-logins")

    assert "DEBUG is off" in output
    assert not User.objects.exists()
    assert people.demo_person("clinician") is None


def test_the_four_people_with_their_printed_logins_and_verified_addresses(debug_site, client):
    output = _seed("--if-empty", "--print-logins")

    for person in people.logins():
        assert person.email in output and person.password in output
        user = people.demo_person(person.role)
        assert user.check_password(person.password)
        assert EmailAddress.objects.get(user=user).verified
        assert client.login(email=person.email, password=person.password)
    assert people.demo_person("admin").is_superuser
    assert not people.demo_person("clinician").is_staff
    # Where the mail they receive goes, said at start.
    assert "Emails go to" in output


def test_the_clinician_is_a_rural_family_physician_enrolled_and_registered(debug_site):
    _seed()
    clinician = people.demo_person("clinician")

    assert clinician.profession == "physician" and clinician.rural_remote
    spoke = SpokeMembership.objects.get(user=clinician, status=SpokeMembership.Status.ACTIVE).spoke
    assert spoke.rural_remote and spoke.hub == people.demo_hub()
    enrollment = Enrollment.objects.get(user=clinician, status=Enrollment.Status.ACTIVE)
    assert enrollment.series.slug == people.LTC_COHORT_SLUG and enrollment.key.code == "LTC2122"
    # (The past LTC cohort she attended is the credits step's: tests/certificates/test_demo.py.)
    registrations = Registration.objects.filter(user=clinician, session__series=enrollment.series).registered()
    assert registrations.count() == people.UPCOMING_REGISTRATIONS
    assert {r.session.series_id for r in registrations} == {enrollment.series_id}
    # Through the services: the confirmations are in the outbox like any learner's (enrollment, registrations,
    # and the approval of her request to join her spoke).
    # The certificate and case presentation steps add their own.
    sent = OutboundEmail.objects.filter(recipient=clinician.email).exclude(
        kind__in=[OutboundEmail.Kind.CERTIFICATE, OutboundEmail.Kind.CASE]
    )
    assert sent.count() == 3


def test_the_manager_and_facilitator_run_the_clinicians_hub(debug_site):
    _seed()
    hub = people.demo_hub()

    manager = people.demo_person("manager")
    assert HubMembership.objects.get(user=manager).hub == hub
    assert HubMembership.objects.get(user=manager).role == HubMembership.Role.MANAGER
    assert manager.is_staff and not manager.is_superuser
    facilitator = people.demo_person("facilitator")
    assert HubMembership.objects.get(user=facilitator, hub=hub).role == HubMembership.Role.FACILITATOR


def test_steps_run_again_change_nothing(debug_site):
    _seed()
    before = (User.objects.count(), Registration.objects.count(), OutboundEmail.objects.count())

    _seed("--if-empty")
    demo.run_steps(today=dt.date.today(), stdout=io.StringIO())

    assert (User.objects.count(), Registration.objects.count(), OutboundEmail.objects.count()) == before
