"""The demo has a series by approval in the demo hub, with a request waiting for the demo hub manager."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from echo_portal import demo
from echo_portal.demo import moderated, people
from enrollment.models import JoinRequest
from series.models import Series


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_demo_manager_finds_the_request_in_the_hub_portal(seeded, client):
    series = Series.objects.get(slug=moderated.SERIES_SLUG)
    assert series.registration_mode == Series.RegistrationMode.APPROVAL
    assert series.hub == people.demo_hub()
    assert series.sessions.count() == len(moderated.SESSION_TITLES)
    request = JoinRequest.objects.get(user__email=moderated.REQUESTER_EMAIL)
    assert request.state == JoinRequest.State.PENDING and request.series == series

    client.force_login(people.demo_person("manager"))
    queue = client.get(reverse("hubs:manage:join_requests", args=[people.DEMO_HUB_SLUG])).content.decode()

    assert "Samuel Whitehorse" in queue and "Northern Lakes Palliative Care Rounds (demo)" in queue
    assert "Registration by approval" in client.get(series.get_absolute_url()).content.decode()


def test_an_answered_request_stays_answered_when_the_demo_runs_again(seeded):
    JoinRequest.objects.filter(user__email=moderated.REQUESTER_EMAIL).update(state=JoinRequest.State.DECLINED)

    demo.run_steps(today=dt.date.today(), stdout=io.StringIO())

    assert JoinRequest.objects.get(user__email=moderated.REQUESTER_EMAIL).state == JoinRequest.State.DECLINED
    assert Series.objects.filter(slug=moderated.SERIES_SLUG).count() == 1


def test_no_request_on_a_production_site(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())

    assert not JoinRequest.objects.exists()
