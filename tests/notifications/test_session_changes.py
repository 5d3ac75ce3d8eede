"""Staff move or cancel a session: every registrant and waitlisted person is told, in the same transaction."""

import datetime as dt

import pytest
from django.db import transaction

from enrollment.models import Registration
from enrollment.receivers import queue_session_update_emails
from notifications.models import OutboundEmail
from sessions import services as session_services
from sessions.models import Session
from tests import factories
from tests.notifications.content_support import (
    NOON_ET,
    ONE_PM_ET,
    assert_links_absolute,
    calendar_attachment,
    events,
    method,
    rows,
)

pytestmark = pytest.mark.django_db

UPDATE = OutboundEmail.Kind.SESSION_UPDATE


@pytest.fixture
def session(hub):
    series = factories.SeriesFactory(title="Paramedic CoP", slug="paramedic", hub=hub)
    return factories.SessionFactory(
        series=series,
        title="Breathlessness",
        starts_at=NOON_ET,
        ends_at=ONE_PM_ET,
        join_url="https://zoom.example.org/j/7",
    )


@pytest.fixture
def registrants(session, clinician, outsider):
    seat = factories.RegistrationFactory(user=clinician, session=session)
    waiting = factories.RegistrationFactory(user=outsider, session=session, status=Registration.Status.WAITLISTED)
    gone = factories.RegistrationFactory(session=session, status=Registration.Status.CANCELLED)
    return seat, waiting, gone


def test_a_reschedule_tells_everyone_holding_a_seat_or_a_waitlist_place(session, registrants):
    seat, waiting, _ = registrants
    later = NOON_ET + dt.timedelta(days=1, hours=2)

    session_services.reschedule_session(session=session, starts_at=later, ends_at=later + dt.timedelta(hours=1))

    updates = {row.recipient: row for row in rows(UPDATE)}
    assert set(updates) == {seat.user.email, waiting.user.email}
    registered = updates[seat.user.email]
    assert registered.subject == "New time: Breathlessness"
    assert registered.idempotency_key == f"update:{seat.pk}:1"
    assert "Friday, March 15, 2030, 2:00 – 3:00 p.m. ET" in registered.body_text
    assert "You are still registered." in registered.body_text
    assert "https://zoom.example.org/j/7" in registered.body_text
    assert_links_absolute(registered)
    mimetype, content = calendar_attachment(registered)
    assert mimetype == "text/calendar; method=REQUEST"
    assert method(content) == "REQUEST"
    (event,) = events(content)
    assert (event["uid"], event["sequence"], event["status"]) == (f"session-{session.pk}@127.0.0.1", 1, "CONFIRMED")
    assert event["start"] == later

    on_waitlist = updates[waiting.user.email]
    assert "You are still on the waitlist" in on_waitlist.body_text
    assert on_waitlist.attachments == []
    assert "zoom.example.org" not in on_waitlist.body_text + on_waitlist.body_html


def test_a_cancellation_sends_method_cancel_to_registrants(session, registrants):
    seat, waiting, _ = registrants

    session_services.cancel_session(session=session)

    updates = {row.recipient: row for row in rows(UPDATE)}
    assert set(updates) == {seat.user.email, waiting.user.email}
    registered = updates[seat.user.email]
    assert registered.subject == "Cancelled: Breathlessness"
    assert "The programme team cancelled this session." in registered.body_text
    assert "zoom.example.org" not in registered.body_text
    mimetype, content = calendar_attachment(registered)
    assert mimetype == "text/calendar; method=CANCEL"
    assert method(content) == "CANCEL"
    (event,) = events(content)
    assert (event["uid"], event["sequence"], event["status"]) == (f"session-{session.pk}@127.0.0.1", 1, "CANCELLED")
    assert updates[waiting.user.email].attachments == []


def test_the_update_is_in_french_for_a_francophone(session, registrants):
    seat, _, _ = registrants
    seat.user.preferred_language = "fr"
    seat.user.save()

    session_services.cancel_session(session=session)

    row = OutboundEmail.objects.get(recipient=seat.user.email)
    assert row.subject == "Annulée : Breathlessness"
    assert "L’équipe du programme a annulé cette séance." in row.body_text
    assert '<html lang="fr">' in row.body_html


def test_each_change_is_a_new_email_and_repeating_one_is_not(session, registrants):
    seat, _, _ = registrants
    later = NOON_ET + dt.timedelta(hours=3)
    session_services.reschedule_session(session=session, starts_at=later, ends_at=later + dt.timedelta(hours=1))
    session_services.reschedule_session(session=session, starts_at=later, ends_at=later + dt.timedelta(hours=1))
    session_services.cancel_session(session=session)
    session_services.cancel_session(session=session)

    keys = sorted(row.idempotency_key for row in rows(UPDATE) if row.recipient == seat.user.email)
    assert keys == [f"update:{seat.pk}:1", f"update:{seat.pk}:2"]


def test_the_emails_roll_back_with_a_failed_change(session, registrants):
    class StaffChangedTheirMind(Exception):
        pass

    with pytest.raises(StaffChangedTheirMind), transaction.atomic():
        session_services.cancel_session(session=session)
        assert rows(UPDATE)
        raise StaffChangedTheirMind

    assert rows(UPDATE) == []


@pytest.mark.parametrize("count", [3, 30])
def test_the_fan_out_runs_four_queries_whatever_the_number_of_registrants(session, count, django_assert_num_queries):
    for _ in range(count):
        factories.RegistrationFactory(session=session)
    session = Session.objects.get(pk=session.pk)  # as the signal hands it over: series not loaded
    # 1. registrants with their users; 2. the session's series (once, shared by every email);
    # 3. which idempotency keys already exist; 4. one INSERT of every outbox row
    with django_assert_num_queries(4):
        queue_session_update_emails(sender=Session, session=session, change="cancelled")
    assert len(rows(UPDATE)) == count
