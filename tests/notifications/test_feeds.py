"""Calendar feeds: a private one per person behind a secret token, and a public one per series."""

import datetime as dt

import pytest
from django.urls import reverse

from enrollment.models import Registration
from series.models import Series
from sessions.models import Session
from tests import factories
from tests.notifications.content_support import NOON_ET, events, method

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(hub):
    return factories.SeriesFactory(title="Heart Disease CoP", slug="heart", hub=hub)


def _sessions(series, count, *, join_prefix="https://zoom.example.org/j/"):
    made = []
    for index in range(count):
        start = NOON_ET + dt.timedelta(days=7 * index)
        made.append(
            factories.SessionFactory(
                series=series,
                title=f"Heart session {index}",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                join_url=f"{join_prefix}{index}",
            )
        )
    return made


def _feed_url(user):
    return reverse("enrollment:calendar_feed", args=[user.calendar_token])


def test_the_personal_feed_holds_the_sessions_with_a_seat_and_their_join_links(client, clinician, series):
    held, waitlisted, cancelled_by_me, cancelled_by_staff = _sessions(series, 4)
    factories.RegistrationFactory(user=clinician, session=held)
    factories.RegistrationFactory(user=clinician, session=waitlisted, status=Registration.Status.WAITLISTED)
    factories.RegistrationFactory(user=clinician, session=cancelled_by_me, status=Registration.Status.CANCELLED)
    factories.RegistrationFactory(user=clinician, session=cancelled_by_staff)
    Session.objects.filter(pk=cancelled_by_staff.pk).update(status=Session.Status.CANCELLED, sequence=1)

    response = client.get(_feed_url(clinician))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert method(response.content) == "PUBLISH"
    found = {event["uid"]: event for event in events(response.content)}
    assert set(found) == {f"session-{held.pk}@127.0.0.1", f"session-{cancelled_by_staff.pk}@127.0.0.1"}
    assert "https://zoom.example.org/j/0" in found[f"session-{held.pk}@127.0.0.1"]["description"]
    staff_cancelled = found[f"session-{cancelled_by_staff.pk}@127.0.0.1"]
    assert (staff_cancelled["status"], staff_cancelled["sequence"]) == ("CANCELLED", 1)
    assert "zoom.example.org" not in staff_cancelled["description"]
    assert b"X-WR-CALNAME:ECHO Portal: my sessions" in response.content


def test_the_personal_feed_speaks_its_owners_language(client, clinician, series):
    clinician.preferred_language = "fr"
    clinician.save()
    factories.RegistrationFactory(user=clinician, session=_sessions(series, 1)[0])

    response = client.get(_feed_url(clinician))

    assert "X-WR-CALNAME:Portail ECHO : mes séances".encode() in response.content
    (event,) = events(response.content)
    assert "Page de la séance : http://127.0.0.1:8000/sessions/" in event["description"]


@pytest.mark.parametrize("token", ["wrong", "x" * 32, "..", "a b"])
def test_a_wrong_token_is_a_404(client, clinician, token):
    assert client.get(f"/me/calendar/{token}.ics").status_code == 404


def test_a_token_with_a_nul_character_is_a_400(client, clinician):
    # Refused before any view (core.address_guards): no link holds one.
    assert client.get("/me/calendar/%00.ics").status_code == 400


def test_another_persons_token_shows_only_their_sessions(client, clinician, outsider, series):
    mine, theirs = _sessions(series, 2)
    factories.RegistrationFactory(user=clinician, session=mine)
    factories.RegistrationFactory(user=outsider, session=theirs)

    found = events(client.get(_feed_url(outsider)).content)

    assert [event["uid"] for event in found] == [f"session-{theirs.pk}@127.0.0.1"]


def test_a_deactivated_account_has_no_feed(client, clinician):
    clinician.is_active = False
    clinician.save()
    assert client.get(_feed_url(clinician)).status_code == 404


@pytest.mark.parametrize("count", [1, 10])
def test_the_personal_feed_runs_two_queries_whatever_the_number_of_sessions(
    client, clinician, series, count, django_assert_num_queries
):
    for session in _sessions(series, count):
        factories.RegistrationFactory(user=clinician, session=session)
    # 1. the user owning the token; 2. their registrations with sessions and series (one join)
    with django_assert_num_queries(2):
        response = client.get(_feed_url(clinician))
    assert len(events(response.content)) == count


def test_regenerating_the_token_kills_the_old_link(client, clinician):
    old_url = _feed_url(clinician)
    client.force_login(clinician)

    response = client.post(reverse("enrollment:calendar_feed_regenerate"))

    assert response.status_code == 302
    assert response["Location"] == "/me/?calendar=renewed#calendar-feed"
    clinician.refresh_from_db()
    assert _feed_url(clinician) != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(_feed_url(clinician)).status_code == 200


def test_regenerating_needs_a_signed_in_post(client, clinician):
    token = clinician.calendar_token
    url = reverse("enrollment:calendar_feed_regenerate")
    assert client.post(url).status_code == 302  # to the sign-in page
    client.force_login(clinician)
    assert client.get(url).status_code == 405
    clinician.refresh_from_db()
    assert clinician.calendar_token == token


def test_my_learning_shows_the_subscribe_links_and_how_to(client, clinician):
    client.force_login(clinician)

    page = client.get(reverse("enrollment:my_learning")).content.decode()

    assert f'href="webcal://testserver/me/calendar/{clinician.calendar_token}.ics"' in page
    assert f'value="http://127.0.0.1:8000/me/calendar/{clinician.calendar_token}.ics"' in page
    assert 'for="calendar-feed-url"' in page
    for app in ("Google Calendar", "Outlook", "Apple Calendar"):
        assert app in page
    assert f'action="{reverse("enrollment:calendar_feed_regenerate")}"' in page


def test_my_learning_confirms_a_new_link(client, clinician):
    client.force_login(clinician)
    client.post(reverse("enrollment:calendar_feed_regenerate"))

    page = client.get("/me/?calendar=renewed").content.decode()

    assert "Your calendar link was changed. The old link no longer works" in page


def test_the_series_feed_is_public_and_has_no_join_links(client, series):
    first, second = _sessions(series, 2)
    Session.objects.filter(pk=second.pk).update(status=Session.Status.CANCELLED, sequence=2)

    response = client.get(reverse("enrollment:series_calendar_feed", args=["heart"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"zoom.example.org" not in response.content
    assert method(response.content) == "PUBLISH"
    assert [(event["uid"], event["status"], event["sequence"]) for event in events(response.content)] == [
        (f"session-{first.pk}@127.0.0.1", "CONFIRMED", 0),
        (f"session-{second.pk}@127.0.0.1", "CANCELLED", 2),
    ]
    assert b"X-WR-CALNAME:ECHO Portal: Heart Disease CoP" in response.content


def test_a_draft_or_unknown_series_has_no_feed(client, hub):
    factories.SeriesFactory(slug="draft", hub=hub, status=Series.Status.DRAFT)
    assert client.get("/series/draft/calendar.ics").status_code == 404
    assert client.get("/series/nothing-here/calendar.ics").status_code == 404


@pytest.mark.parametrize("count", [1, 10])
def test_the_series_feed_runs_two_queries_whatever_the_number_of_sessions(
    client, series, count, django_assert_num_queries
):
    _sessions(series, count)
    # 1. the published series by slug; 2. its sessions
    with django_assert_num_queries(2):
        response = client.get(f"/series/{series.slug}/calendar.ics")
    assert len(events(response.content)) == count
