"""My learning draws what every registrant of a session sees once and keeps it; staff edits and the learner's own
changes still show on the next request, and a long history is listed by its most recent sessions, the rest a click
away."""

import pytest
from django.test import Client

from enrollment import queries
from enrollment.models import Registration
from sessions.models import Session
from tests.admin_form import change_form
from tests.factories import RegistrationFactory, SeriesFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def learner(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def session(clinician):
    series = SeriesFactory(title="Palliative Care in Long-Term Care")
    session = SessionFactory(series=series, title="Pain at the end of life", days_from_now=3)
    session.join_url = "https://zoom.example.org/j/1"
    session.save()
    RegistrationFactory(session=session, user=clinician)
    return session


def _me(client, query: str = "") -> str:
    response = client.get(f"/me/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_session_staff_edit_and_cancel_show_on_the_next_request(learner, session, staff):
    assert "Pain at the end of life" in _me(learner) and "https://zoom.example.org/j/1" in _me(learner)
    staff_client = Client()
    staff_client.force_login(staff)
    url = f"/admin/echo_sessions/session/{session.pk}/change/"

    staff_client.post(url, change_form(staff_client, url, "session_form", title_en="Delirium"))
    renamed = _me(learner)
    session.refresh_from_db()
    session.status = Session.Status.CANCELLED
    session.save()
    cancelled = _me(learner)

    assert "Delirium" in renamed and "Pain at the end of life" not in renamed
    assert "Cancelled by the organisers" in cancelled
    assert "https://zoom.example.org/j/1" not in cancelled and "Cancel my registration" not in cancelled


def test_each_registrant_gets_their_own_cancel_link_under_the_shared_card(learner, session, clinician):
    mine = Registration.objects.get(user=clinician, session=session)
    other = Client()
    theirs = RegistrationFactory(session=session, user=UserFactory(email="bob@example.org"))
    other.force_login(theirs.user)

    my_page, their_page = _me(learner), _me(other)

    assert f"/me/registrations/{mine.pk}/cancel/" in my_page and f"/me/registrations/{theirs.pk}/cancel/" not in my_page
    assert (
        f"/me/registrations/{theirs.pk}/cancel/" in their_page
        and f"/me/registrations/{mine.pk}/cancel/" not in their_page
    )
    assert "https://zoom.example.org/j/1" in their_page


def test_a_registration_cancelled_leaves_my_learning_at_once(learner, session, clinician):
    assert "Pain at the end of life" in _me(learner)

    learner.post(f"/me/registrations/{Registration.objects.get(user=clinician).pk}/cancel/")
    page = _me(learner)

    assert "You have no upcoming session." in page and "https://zoom.example.org/j/1" not in page


def test_the_french_card_is_in_french(client, session):
    session.title_fr = "La douleur en fin de vie"
    session.save()
    francophone = UserFactory(email="denise@example.org", preferred_language="fr")
    RegistrationFactory(session=session, user=francophone)
    client.force_login(francophone)

    page = _me(client)

    assert "La douleur en fin de vie" in page
    assert "Rejoindre la séance" in page
    assert "Annuler mon inscription" in page


def test_a_long_history_lists_the_most_recent_past_sessions_and_links_to_all(learner, clinician):
    series = SeriesFactory(title="Journal Club")
    for week in range(1, queries.PAST_SESSIONS_SHOWN + 3):
        past = SessionFactory(series=series, title=f"Past session {week:02}", days_from_now=-7 * week)
        RegistrationFactory(session=past, user=clinician, attended_minutes=60)

    recent = _me(learner)
    everything = _me(learner, "?past=all")

    assert "Past session 01" in recent and f"Past session {queries.PAST_SESSIONS_SHOWN:02}" in recent
    assert f"Past session {queries.PAST_SESSIONS_SHOWN + 1:02}" not in recent
    assert f'href="?past=all#past-heading">Show all {queries.PAST_SESSIONS_SHOWN + 2} past sessions' in recent
    assert f"Past session {queries.PAST_SESSIONS_SHOWN + 2:02}" in everything and "Show all" not in everything
    # Attendance counts the whole history, shown or not: twelve hours.
    assert "<td>12.00</td>" in recent


def test_my_series_shares_the_members_card_and_keeps_the_waitlist_number_personal(learner, clinician):
    from django.utils import timezone

    from enrollment.models import Enrollment
    from tests.factories import EnrollmentFactory

    ltc = SeriesFactory(title="Long-Term Care ECHO", slug="ltc", capacity=1)
    EnrollmentFactory(series=ltc, user=clinician)
    waiting = Client()
    bob = UserFactory(email="bob@example.org")
    EnrollmentFactory(series=ltc, user=bob, status=Enrollment.Status.WAITLISTED, waitlisted_at=timezone.now())
    waiting.force_login(bob)

    mine, theirs = _me(learner), _me(waiting)
    ltc.title_en = "Care Homes ECHO"
    ltc.save()
    renamed = _me(learner)

    assert "Long-Term Care ECHO" in mine and 'href="/series/ltc/register/">Pick sessions' in mine
    assert 'href="/me/series/ltc/leave/"' in mine and "Enrolled" in mine
    assert "You are number 1 on the waitlist." in theirs and "Pick sessions" not in theirs
    assert 'href="/me/series/ltc/leave/"' in theirs
    assert "Care Homes ECHO" in renamed and "Long-Term Care ECHO" not in renamed
