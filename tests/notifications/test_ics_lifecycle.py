"""One session's calendar event through its life: invited, moved, cancelled; UID fixed, SEQUENCE growing.

Each file is read by two independent parsers (icalendar and vobject), which must agree.
"""

import datetime as dt

import icalendar
import pytest
from django.test import override_settings

from enrollment import services
from notifications import ics
from notifications.models import OutboundEmail
from sessions import services as session_services
from tests import factories
from tests.notifications.content_support import (
    NOON_ET,
    ONE_PM_ET,
    calendar_attachment,
    deliver_queued,
    events,
    method,
    rows,
)

pytestmark = pytest.mark.django_db


def _calendar_of(row):
    mimetype, content = calendar_attachment(row)
    return mimetype, method(content), events(content), icalendar.Calendar.from_ical(content)


def test_register_reschedule_cancel_keeps_the_uid_and_raises_the_sequence(clinician, hub):
    series = factories.SeriesFactory(hub=hub)
    session = factories.SessionFactory(series=series, title="Grief", starts_at=NOON_ET, ends_at=ONE_PM_ET)
    services.register(user=clinician, sessions=[session], consent=True)
    deliver_queued()  # the invitation goes out (rendered) before staff move the session, as after its commit
    later = NOON_ET + dt.timedelta(days=2)
    session_services.reschedule_session(session=session, starts_at=later, ends_at=later + dt.timedelta(hours=1))
    session_services.cancel_session(session=session)

    invite, moved, cancelled = rows()
    assert [invite.kind, moved.kind, cancelled.kind] == ["registration", "session_update", "session_update"]
    uid = f"session-{session.pk}@127.0.0.1"

    mimetype, method_, (event,), parsed = _calendar_of(invite)
    assert (mimetype, method_) == ("text/calendar; method=REQUEST", "REQUEST")
    assert (event["uid"], event["sequence"], event["status"], event["start"]) == (uid, 0, "CONFIRMED", NOON_ET)

    mimetype, method_, (event,), _ = _calendar_of(moved)
    assert (mimetype, method_) == ("text/calendar; method=REQUEST", "REQUEST")
    assert (event["uid"], event["sequence"], event["status"], event["start"]) == (uid, 1, "CONFIRMED", later)
    assert event["end"] == later + dt.timedelta(hours=1)

    mimetype, method_, (event,), _ = _calendar_of(cancelled)
    assert (mimetype, method_) == ("text/calendar; method=CANCEL", "CANCEL")
    assert (event["uid"], event["sequence"], event["status"]) == (uid, 2, "CANCELLED")


def test_an_invitation_has_what_calendar_clients_require(clinician, hub):
    series = factories.SeriesFactory(hub=hub, title="Heart Disease CoP", short_name="Heart CoP")
    session = factories.SessionFactory(
        series=series, title="Dyspnea", starts_at=NOON_ET, ends_at=ONE_PM_ET, join_url="https://zoom.example.org/j/5"
    )
    services.register(user=clinician, sessions=[session], consent=True)

    (row,) = rows(OutboundEmail.Kind.REGISTRATION)
    _, _, (event,), parsed = _calendar_of(row)
    assert str(parsed["VERSION"]) == "2.0"
    assert str(parsed["PRODID"]) == ics.PRODID
    (vevent,) = parsed.walk("VEVENT")
    assert "DTSTAMP" in vevent
    # UTC times: written with a Z, no VTIMEZONE needed.
    assert vevent["DTSTART"].to_ical() == b"20300314T160000Z"
    assert vevent["DTEND"].to_ical() == b"20300314T170000Z"
    assert event["summary"] == "Heart CoP: Dyspnea"
    assert event["url"] == f"http://127.0.0.1:8000/sessions/{session.pk}/"
    assert f"Session page: http://127.0.0.1:8000/sessions/{session.pk}/" in event["description"]
    assert "Join link: https://zoom.example.org/j/5" in event["description"]
    assert str(vevent["ORGANIZER"]) == "mailto:echo@localhost"
    assert str(vevent["ATTENDEE"]) == "mailto:alice@example.org"
    assert vevent["ATTENDEE"].params["RSVP"] == "FALSE"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


@override_settings(SITE_URL="https://echo.example.ca")
def test_the_uid_host_and_links_come_from_site_url(clinician, hub):
    session = factories.SessionFactory(series=factories.SeriesFactory(hub=hub), starts_at=NOON_ET, ends_at=ONE_PM_ET)
    services.register(user=clinician, sessions=[session], consent=True)

    (row,) = rows(OutboundEmail.Kind.REGISTRATION)
    _, _, (event,), _ = _calendar_of(row)
    assert event["uid"] == f"session-{session.pk}@echo.example.ca"
    assert event["url"] == f"https://echo.example.ca/sessions/{session.pk}/"
    assert f"https://echo.example.ca/sessions/{session.pk}/" in row.body_html


def test_a_feed_has_no_organizer_or_attendee_and_names_itself():
    event = ics.CalendarEvent(
        uid="session-1@example.org",
        sequence=3,
        starts_at=NOON_ET,
        ends_at=ONE_PM_ET,
        summary="Title, with; punctuation",
        page_url="https://example.org/sessions/1/",
    )
    content = ics.feed(events=[event], name="ECHO")

    assert method(content) == "PUBLISH"
    (parsed_event,) = events(content)
    assert parsed_event["summary"] == "Title, with; punctuation"
    assert b"ORGANIZER" not in content and b"ATTENDEE" not in content
    assert b"X-WR-CALNAME:ECHO" in content
    assert b"\r\n" in content  # RFC 5545 line endings


def test_a_file_with_many_sessions_parses_with_both_parsers(clinician, hub):
    series = factories.SeriesFactory(hub=hub)
    picked = [
        factories.SessionFactory(
            series=series,
            title=f"Session « {index} » – écrite en français, avec des virgules; et des points-virgules",
            starts_at=NOON_ET + dt.timedelta(weeks=index),
            ends_at=ONE_PM_ET + dt.timedelta(weeks=index),
        )
        for index in range(14)
    ]
    services.register(user=clinician, sessions=picked, consent=True)

    (row,) = rows(OutboundEmail.Kind.REGISTRATION)
    _, _, found, _ = _calendar_of(row)
    assert [event["uid"] for event in found] == [f"session-{session.pk}@127.0.0.1" for session in picked]
    assert found[3]["summary"].endswith("Session « 3 » – écrite en français, avec des virgules; et des points-virgules")
