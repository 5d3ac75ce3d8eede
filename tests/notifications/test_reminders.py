"""Reminders 24 hours and 1 hour before a session: once each, whatever beat does, and only to those who want them."""

import datetime as dt
import threading
import zoneinfo
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from enrollment import emails, reminders
from enrollment import tasks as enrollment_tasks
from enrollment.models import Registration
from notifications.models import OutboundEmail
from sessions import services as session_services
from sessions.models import Session
from tests import factories
from tests.notifications.content_support import assert_links_absolute, rows

REMINDER = OutboundEmail.Kind.REMINDER


def _session_in(delta: dt.timedelta, **fields) -> Session:
    start = (timezone.now() + delta).replace(microsecond=0)
    return factories.SessionFactory(
        title=fields.pop("title", "Spiritual care"),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        join_url="https://zoom.example.org/j/42",
        **fields,
    )


def _register(**fields) -> Registration:
    """A seat taken a week ago, long before any reminder window opened."""
    registration = factories.RegistrationFactory(**fields)
    week_ago = timezone.now() - dt.timedelta(days=7)
    Registration.objects.filter(pk=registration.pk).update(status_changed_at=week_ago)
    registration.status_changed_at = week_ago
    return registration


def _keys() -> list[str]:
    return sorted(row.idempotency_key for row in rows(REMINDER))


@pytest.mark.django_db
def test_a_session_tomorrow_gets_the_24_hour_reminder_once_however_often_beat_runs(clinician):
    registration = _register(user=clinician, session=_session_in(dt.timedelta(hours=20)))

    assert reminders.queue_due_reminders() == {"24h": 1, "1h": 0}
    assert reminders.queue_due_reminders() == {"24h": 0, "1h": 0}
    enrollment_tasks.queue_due_reminders.apply()

    assert _keys() == [f"reminder-24h:{registration.pk}:0"]


@pytest.mark.django_db
def test_each_threshold_sends_once_as_the_session_comes_closer(clinician):
    session = _session_in(dt.timedelta(hours=23))
    registration = _register(user=clinician, session=session)
    start = session.starts_at

    for hours_before in (23, 20, 2, 1.5):
        reminders.queue_due_reminders(now=start - dt.timedelta(hours=hours_before))
    assert _keys() == [f"reminder-24h:{registration.pk}:0"]

    for minutes_before in (59, 30, 5):
        reminders.queue_due_reminders(now=start - dt.timedelta(minutes=minutes_before))
    assert _keys() == [f"reminder-1h:{registration.pk}:0", f"reminder-24h:{registration.pk}:0"]

    reminders.queue_due_reminders(now=start + dt.timedelta(minutes=1))
    assert len(_keys()) == 2


@pytest.mark.django_db
def test_nothing_is_sent_before_the_window_or_after_the_start(clinician):
    _register(user=clinician, session=_session_in(dt.timedelta(hours=25)))
    _register(user=clinician, session=_session_in(dt.timedelta(minutes=-5)))

    assert reminders.queue_due_reminders() == {"24h": 0, "1h": 0}


@pytest.mark.django_db
def test_a_beat_that_missed_the_day_before_sends_only_the_hour_before(clinician):
    registration = _register(user=clinician, session=_session_in(dt.timedelta(minutes=40)))

    assert reminders.queue_due_reminders() == {"24h": 0, "1h": 1}
    assert _keys() == [f"reminder-1h:{registration.pk}:0"]


@pytest.mark.django_db
def test_reminders_off_waitlists_cancellations_and_cancelled_sessions_are_skipped(clinician, outsider, staff):
    session = _session_in(dt.timedelta(hours=10))
    outsider.reminders_enabled = False
    outsider.save()
    _register(user=outsider, session=session)
    _register(user=staff, session=session, status=Registration.Status.WAITLISTED)
    _register(session=session, status=Registration.Status.CANCELLED)
    inactive = factories.UserFactory(is_active=False)
    _register(user=inactive, session=session)
    cancelled_session = _session_in(dt.timedelta(hours=10))
    Session.objects.filter(pk=cancelled_session.pk).update(status=Session.Status.CANCELLED)
    _register(user=clinician, session=cancelled_session)
    wanted = _register(user=clinician, session=session)

    reminders.queue_due_reminders()

    assert _keys() == [f"reminder-24h:{wanted.pk}:0"]


@pytest.mark.django_db
def test_a_rescheduled_session_is_reminded_of_again_at_its_new_time(clinician):
    session = _session_in(dt.timedelta(hours=20))
    registration = _register(user=clinician, session=session)
    reminders.queue_due_reminders()
    later = session.starts_at + dt.timedelta(hours=2)
    session_services.reschedule_session(session=session, starts_at=later, ends_at=later + dt.timedelta(hours=1))

    reminders.queue_due_reminders()

    assert _keys() == [f"reminder-24h:{registration.pk}:0", f"reminder-24h:{registration.pk}:1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "subject", "heading", "stop"),
    [
        ("en", "Coming up: Spiritual care", "Your session is coming up", "Stop session reminders"),
        ("fr", "À venir : Spiritual care", "Votre séance approche", "Arrêter les rappels de séance"),
    ],
)
def test_the_reminder_has_the_join_link_and_a_one_click_unsubscribe(clinician, language, subject, heading, stop):
    clinician.preferred_language = language
    clinician.save()
    _register(user=clinician, session=_session_in(dt.timedelta(hours=20)))

    reminders.queue_due_reminders()

    (row,) = rows(REMINDER)
    assert row.subject == subject
    assert row.language == language
    unsubscribe_url = emails.reminders_unsubscribe_url(clinician)
    assert unsubscribe_url.startswith("http://127.0.0.1:8000/accounts/reminders/unsubscribe/")
    assert row.headers == {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    for body in (row.body_text, row.body_html):
        assert heading in body
        assert "https://zoom.example.org/j/42" in body
        assert unsubscribe_url in body
        assert stop in body
    assert_links_absolute(row)


@pytest.mark.django_db
def test_the_hour_before_reminder_says_so(clinician):
    _register(user=clinician, session=_session_in(dt.timedelta(minutes=50)))

    reminders.queue_due_reminders()

    (row,) = rows(REMINDER)
    assert row.subject == "Starting in an hour: Spiritual care"
    assert "Your session starts in an hour" in row.body_text


@pytest.mark.django_db
def test_the_delivered_reminder_carries_the_unsubscribe_headers(
    clinician, mailoutbox, django_capture_on_commit_callbacks
):
    _register(user=clinician, session=_session_in(dt.timedelta(hours=20)))

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_due_reminders()

    (message,) = mailoutbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.message()["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/accounts/reminders/unsubscribe/")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_finding_the_due_reminders_is_one_query(count, django_assert_num_queries):
    session = _session_in(dt.timedelta(hours=5))
    for _ in range(count):
        _register(session=session)
    # 1. the due registrations with their users, sessions and series, minus those whose key is in the outbox
    with django_assert_num_queries(1):
        due = list(reminders.due_reminders(threshold="24h", now=timezone.now()))
    assert len(due) == count


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_render_and_send_each_reminder_once():
    session = _session_in(dt.timedelta(hours=20))
    registrations = [_register(session=session) for _ in range(12)]
    first_is_rendering = threading.Event()
    second_is_done = threading.Event()
    rendered: list[int] = []
    real_message = emails.reminder_message

    def slow_message(*, registration, threshold):
        rendered.append(registration.pk)
        if threading.current_thread().name == "first-beat" and not first_is_rendering.is_set():
            first_is_rendering.set()
            # Hold the claim (row locks) while the second beat runs.
            assert second_is_done.wait(timeout=20)
        return real_message(registration=registration, threshold=threshold)

    results = {}

    def beat(name):
        try:
            results[name] = reminders.queue_due_reminders()
        finally:
            connection.close()

    with mock.patch.object(emails, "reminder_message", side_effect=slow_message):
        first = threading.Thread(target=beat, args=("first",), name="first-beat")
        first.start()
        assert first_is_rendering.wait(timeout=20)
        second = threading.Thread(target=beat, args=("second",), name="second-beat")
        second.start()
        second.join(timeout=20)
        second_is_done.set()
        first.join(timeout=20)

    assert results == {"first": {"24h": 12, "1h": 0}, "second": {"24h": 0, "1h": 0}}
    assert sorted(rendered) == sorted(registration.pk for registration in registrations)
    assert OutboundEmail.objects.filter(kind=REMINDER).count() == 12


@pytest.mark.django_db
def test_a_seat_taken_inside_a_window_skips_that_reminder_but_not_the_next(clinician):
    session = _session_in(dt.timedelta(hours=5))
    registration = factories.RegistrationFactory(user=clinician, session=session)  # just now: the email says it all

    assert reminders.queue_due_reminders() == {"24h": 0, "1h": 0}
    reminders.queue_due_reminders(now=session.starts_at - dt.timedelta(minutes=50))

    assert _keys() == [f"reminder-1h:{registration.pk}:0"]


def test_beat_runs_the_reminder_and_recording_tasks_that_exist(settings):
    from echo_portal.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["queue-due-reminders"]["task"] == enrollment_tasks.queue_due_reminders.name
    assert schedule["queue-recording-followups"]["task"] == enrollment_tasks.queue_recording_followups.name
    assert {enrollment_tasks.queue_due_reminders.name, enrollment_tasks.queue_recording_followups.name} <= set(
        app.tasks
    )
    # Every five minutes: a reminder is never more than five minutes late, and the 1-hour window is never missed.
    assert schedule["queue-due-reminders"]["schedule"] <= 300


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "covers", "presenters"),
    [("en", "What the session covers", "Presenters"), ("fr", "Contenu", "Présent")],
)
def test_the_day_before_reminder_carries_the_agenda_and_presenters(clinician, language, covers, presenters):
    clinician.preferred_language = language
    clinician.save()
    session = _session_in(dt.timedelta(hours=20), description="Opioid rotation in renal failure, with a case.")
    session.presenters.set(
        [
            factories.PresenterFactory(name="Dr. Marie Gagnon"),
            factories.PresenterFactory(name="Sam Okafor", credentials=""),
        ]
    )
    _register(user=clinician, session=session)

    reminders.queue_due_reminders()

    (row,) = rows(REMINDER)
    for body in (row.body_text, row.body_html):
        assert "Opioid rotation in renal failure, with a case." in body
        assert "Dr. Marie Gagnon, MD, CCFP(PC)" in body and "Sam Okafor" in body
        assert covers in body and presenters in body


@pytest.mark.django_db
def test_the_hour_before_reminder_stays_short(clinician):
    session = _session_in(dt.timedelta(minutes=50), description="Opioid rotation in renal failure.")
    session.presenters.set([factories.PresenterFactory(name="Dr. Marie Gagnon")])
    _register(user=clinician, session=session)

    reminders.queue_due_reminders()

    (row,) = rows(REMINDER)
    assert "Opioid rotation" not in row.body_text and "Marie Gagnon" not in row.body_text


@pytest.mark.django_db
def test_a_clinician_in_vancouver_reads_both_times_in_the_reminder(clinician):
    clinician.time_zone = "America/Vancouver"
    clinician.save()
    eastern = zoneinfo.ZoneInfo("America/Toronto")
    start = (timezone.now() + dt.timedelta(hours=20)).astimezone(eastern).replace(minute=0, second=0, microsecond=0)
    session = factories.SessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    _register(user=clinician, session=session)

    reminders.queue_due_reminders()

    (row,) = rows(REMINDER)
    pacific = start.astimezone(zoneinfo.ZoneInfo("America/Vancouver"))
    eastern_clock = f"{start.hour % 12 or 12}:00 {'a.m.' if start.hour < 12 else 'p.m.'} ET"
    assert " PT (" in row.body_text and f"({eastern_clock})" in row.body_text  # as the pages write it
    assert f"{pacific.hour % 12 or 12}:00" in row.body_text
