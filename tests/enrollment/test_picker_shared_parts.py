"""The session picker shows what every learner sees from one shared reading, and counts seats and what the learner
holds on every request: a seat someone else takes, a staff edit or a session that has begun shows at once."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from enrollment.models import Registration
from tests.factories import RegistrationFactory, SeriesFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def series():
    series = SeriesFactory(title="Palliative Care in Long-Term Care", slug="ltc")
    SessionFactory(series=series, title="Pain at the end of life", days_from_now=3, capacity=2)
    SessionFactory(series=series, title="Delirium", days_from_now=10)
    return series


@pytest.fixture
def learner(client, clinician):
    client.force_login(clinician)
    return client


def _picker(client) -> str:
    response = client.get("/series/ltc/register/")
    assert response.status_code == 200
    return response.content.decode()


def test_seats_others_take_and_the_learners_own_seat_show_at_once(learner, series, clinician):
    pain = series.sessions.get(title="Pain at the end of life")
    assert "2 seats left" in _picker(learner)

    RegistrationFactory(session=pain, user=UserFactory(email="bob@example.org"))
    one_left = _picker(learner)
    RegistrationFactory(session=pain, user=clinician, status=Registration.Status.WAITLISTED)
    waiting = _picker(learner)

    assert "1 seat left" in one_left
    assert "you are on the waitlist" in waiting and "1 seat left" not in waiting
    assert f'value="{pain.pk}" id="id_sessions_0" checked' in waiting


def test_what_one_learner_holds_is_never_shown_to_another(learner, series, clinician):
    RegistrationFactory(session=series.sessions.get(title="Delirium"), user=clinician)
    mine = _picker(learner)
    other = Client()
    other.force_login(UserFactory(email="carol@example.org"))

    theirs = _picker(other)

    assert "you are registered" in mine
    assert "you are registered" not in theirs and "Delirium" in theirs


def test_a_session_that_has_begun_is_no_longer_offered(learner, series, monkeypatch):
    soon = SessionFactory(series=series, title="Grief and bereavement", days_from_now=0)
    soon.starts_at, soon.ends_at = timezone.now() + dt.timedelta(minutes=5), timezone.now() + dt.timedelta(hours=1)
    soon.save()
    assert "Grief and bereavement" in _picker(learner)
    later = timezone.now() + dt.timedelta(minutes=6)

    monkeypatch.setattr(timezone, "now", lambda: later)  # time passes: nothing is saved, no programme change

    page = _picker(learner)
    assert "Grief and bereavement" not in page
    assert "Delirium" in page


def test_a_session_staff_rename_shows_at_once(learner, series):
    assert "Delirium" in _picker(learner)
    session = series.sessions.get(title="Delirium")

    session.title_en = "Delirium at the end of life"
    session.save()

    assert "Delirium at the end of life" in _picker(learner)


def test_the_picker_is_in_the_learners_language(client, series):
    francophone = UserFactory(email="denise@example.org", preferred_language="fr")
    client.force_login(francophone)

    page = _picker(client)

    assert "Choisissez vos séances" in page
    assert "2 places restantes" in page
