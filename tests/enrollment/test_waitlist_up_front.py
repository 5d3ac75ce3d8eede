"""A full series or session says "Join the waitlist" before anyone presses a button, and the place in line after."""

import pytest
from django.urls import reverse

from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def full_open_series():
    series = factories.SeriesFactory(title="Popular Community", slug="popular", capacity=1)
    factories.SessionFactory(series=series, title="Grief and bereavement")
    factories.EnrollmentFactory(series=series)
    return series


@pytest.fixture
def full_key_series():
    series = factories.SeriesFactory(
        title="Keyed Community", slug="keyed", capacity=1, registration_mode=Series.RegistrationMode.KEY
    )
    factories.SessionFactory(series=series)
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    factories.EnrollmentFactory(series=series)
    return series


def test_a_full_open_series_offers_its_waitlist_and_gives_the_place_after(client, clinician, full_open_series):
    client.force_login(clinician)

    page = _page(client.get(full_open_series.get_absolute_url()))
    actions = page.split('id="actions-heading"')[1].split("</section>")[0]
    assert "Join the waitlist" in actions and ">Register<" not in actions
    assert client.get(reverse("enrollment:register", args=["popular"])).url == reverse(
        "enrollment:enroll", args=["popular"]
    )
    offer = _page(client.get(reverse("enrollment:enroll", args=["popular"])))
    assert "<h1>Join the waitlist</h1>" in offer and 'name="key"' not in offer

    response = client.post(reverse("enrollment:enroll", args=["popular"]), follow=True)

    assert Enrollment.objects.get(user=clinician, series=full_open_series).status == "waitlisted"
    assert "You are number 1 on its waitlist" in response.content.decode()
    other = factories.UserFactory()
    client.force_login(other)
    client.post(reverse("enrollment:enroll", args=["popular"]))
    assert "You are number 2 on its waitlist" in _page(client.get(full_open_series.get_absolute_url()))


def test_a_full_key_series_takes_the_key_onto_its_waitlist(client, clinician, full_key_series):
    client.force_login(clinician)
    offer = _page(client.get(reverse("enrollment:enroll", args=["keyed"])))
    assert 'name="key"' in offer and ">Join the waitlist</button>" in offer

    response = client.post(reverse("enrollment:enroll", args=["keyed"]), {"key": "ltc 2122"}, follow=True)

    assert Enrollment.objects.get(user=clinician, series=full_key_series).status == "waitlisted"
    assert "You are number 1 on its waitlist" in response.content.decode()


def test_signed_out_visitors_are_asked_to_sign_in_to_join_the_waitlist(client, full_open_series):
    page = _page(client.get(full_open_series.get_absolute_url()))

    assert "Sign in to join the waitlist" in page


def test_when_every_session_left_is_full_the_picker_says_join_the_waitlist(client, clinician):
    series = factories.SeriesFactory(slug="busy")
    session = factories.SessionFactory(series=series, title="Full session", capacity=1)
    factories.RegistrationFactory(session=session)
    client.force_login(clinician)

    picker = _page(client.get(reverse("enrollment:register", args=["busy"])))
    assert ">Join the waitlist</button>" in picker

    response = client.post(
        reverse("enrollment:register", args=["busy"]), {"sessions": [session.pk], "consent": "on"}, follow=True
    )

    assert Registration.objects.get(user=clinician).status == "waitlisted"
    assert "Number 1 on the waitlist" in response.content.decode()


def test_a_picker_with_a_free_seat_still_says_register(client, clinician):
    series = factories.SeriesFactory(slug="mixed")
    full = factories.SessionFactory(series=series, capacity=1)
    factories.RegistrationFactory(session=full)
    factories.SessionFactory(series=series)
    client.force_login(clinician)

    picker = _page(client.get(reverse("enrollment:register", args=["mixed"])))

    assert ">Register</button>" in picker
