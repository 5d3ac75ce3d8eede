"""The demo hub runs a series by invitation only: its manager finds it in the portal, nobody else finds it."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from echo_portal import demo
from echo_portal.demo import people, private_series
from series.models import Series


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_manager_runs_it_and_visitors_never_see_it(seeded):
    series = Series.objects.get(slug=private_series.SLUG)
    assert series.registration_mode == Series.RegistrationMode.INVITATION
    assert series.hub == people.demo_hub()
    assert series.sessions.count() == 4

    assert Client().get(series.get_absolute_url()).status_code == 404
    assert series.title not in Client().get(reverse("series:catalog")).content.decode()
    manager = Client()
    manager.force_login(people.demo_person("manager"))
    listing = manager.get(reverse("hubs:manage:invitation_series", args=[series.hub.slug])).content.decode()
    assert "Rural Emergency Palliative Care Circle (demo)" in listing
    assert manager.get(series.get_absolute_url()).status_code == 200


def test_running_the_demo_again_changes_nothing(seeded):
    before = Series.objects.get(slug=private_series.SLUG).sessions.count()
    demo.run_steps(today=dt.date.today(), stdout=io.StringIO())
    assert Series.objects.filter(slug=private_series.SLUG).count() == 1
    assert Series.objects.get(slug=private_series.SLUG).sessions.count() == before
