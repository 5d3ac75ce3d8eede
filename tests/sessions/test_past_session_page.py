"""After a session ends its page says so: no more "Join the session", then the recording once it is published."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.example.org/j/555000111"


@pytest.fixture
def held(clinician):
    session = factories.SessionFactory(title="Delirium at the end of life", days_from_now=-3, join_url=JOIN_URL)
    factories.RegistrationFactory(user=clinician, session=session)
    return session


def _page(client, session) -> str:
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_registrant_of_an_ended_session_sees_it_ended_and_no_join_link(client, clinician, held):
    client.force_login(clinician)

    page = _page(client, held)

    assert "This session has ended" in page
    assert JOIN_URL not in page and "Join the session" not in page
    assert "When its recording is published you will get an email" in page


def test_the_recording_follows_once_published(client, clinician, held):
    factories.ResourceFactory(session=held, url="https://video.example.org/delirium")
    client.force_login(clinician)

    page = _page(client, held)

    assert "This session has ended" in page
    assert 'href="#materials-heading"' in page
    assert page.index("This session has ended") < page.index("https://video.example.org/delirium")
    assert "When its recording is published" not in page


def test_a_session_under_way_still_shows_its_join_link(client, clinician):
    session = factories.SessionFactory(title="Now", days_from_now=0, join_url=JOIN_URL)
    session.starts_at = timezone.now() - dt.timedelta(minutes=10)
    session.ends_at = timezone.now() + dt.timedelta(minutes=50)
    session.save()
    factories.RegistrationFactory(user=clinician, session=session)
    client.force_login(clinician)

    page = _page(client, session)

    assert JOIN_URL in page and "This session has ended" not in page


def test_visitors_see_it_ended_without_the_registrants_note(client, held):
    page = _page(client, held)

    assert "This session has ended" in page
    assert "you will get an email" not in page and "Sign in to register" not in page
