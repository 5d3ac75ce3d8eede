"""What each programme email says, in English and in French: subject, text and HTML, absolute links, local times."""

import datetime as dt
import html

import pytest

from enrollment import services
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.content_support import (
    NOON_ET,
    ONE_PM_ET,
    assert_links_absolute,
    calendar_attachment,
    events,
    method,
    only_row,
    rows,
)

pytestmark = pytest.mark.django_db

WORDS = {
    "en": {
        "enrolled": "You are enrolled in Long-Term Care CoP",
        "how": "How it works",
        "key": "The enrollment key LTC2122 opened Long-Term Care CoP to you",
        "registered_subject": "You are registered for 2 sessions",
        "registered_heading": "Your registration is confirmed",
        "when_et": "Thursday, March 14, 2030, 12:00 – 1:00 p.m. ET",
        "when_pt": "Thursday, March 14, 2030, 9:00 – 10:00 a.m. PT (12:00 p.m. ET)",
        "join": "Join “Pain at the end of life” online",
        "waitlist_subject": "You are on the waitlist: Pain at the end of life",
        "promoted_subject": "A seat freed up: you are registered for Pain at the end of life",
        "cancelled_subject": "Registration cancelled: Pain at the end of life",
        "hello": "Hello Alice,",
        "handed_out": "This key was handed out by Northern Lakes Palliative Hub (demo).",
    },
    "fr": {
        "enrolled": "Votre adhésion à Long-Term Care CoP est confirmée",
        "how": "Comment ça fonctionne",
        "key": "La clé d’adhésion LTC2122 vous a ouvert Long-Term Care CoP",
        "registered_subject": "Inscription confirmée à 2 séances",
        "registered_heading": "Votre inscription est confirmée",
        "when_et": "jeudi 14 mars 2030, 12 h 00 à 13 h 00 HE",
        "when_pt": "jeudi 14 mars 2030, 9 h 00 à 10 h 00 HP (12 h 00 HE)",
        "join": "Se joindre à « Pain at the end of life » en ligne",
        "waitlist_subject": "Vous êtes sur la liste d’attente : Pain at the end of life",
        "promoted_subject": "Une place s’est libérée : votre inscription à Pain at the end of life est confirmée",
        "cancelled_subject": "Inscription annulée : Pain at the end of life",
        "hello": "Bonjour Alice,",
        "handed_out": "Cette clé a été distribuée par Northern Lakes Palliative Hub (demo).",
    },
}


@pytest.fixture
def series(hub):
    return factories.SeriesFactory(
        title="Long-Term Care CoP", slug="ltc-cop", hub=hub, registration_mode=Series.RegistrationMode.KEY
    )


@pytest.fixture
def pain(series):
    return factories.SessionFactory(
        series=series,
        title="Pain at the end of life",
        starts_at=NOON_ET,
        ends_at=ONE_PM_ET,
        join_url="https://zoom.example.org/j/111",
    )


@pytest.fixture
def delirium(series):
    start = NOON_ET + dt.timedelta(days=14)
    return factories.SessionFactory(
        series=series, title="Delirium", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )


def _as(user, language, zone=""):
    user.preferred_language = language
    user.time_zone = zone
    user.save()
    return user


def _fr_apostrophes(text: str) -> str:
    # HTML escapes apostrophes, and the time-zone labels use straight ones: compare without caring which.
    return html.unescape(text).replace("'", "’")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_enrollment_confirmation_names_the_series_how_it_works_and_what_the_key_opened(
    language, clinician, series, pain
):
    factories.EnrollmentKeyFactory(series=series, code="LTC2122", label="Northern Lakes LTC homes", hub=series.hub)
    services.enroll(user=_as(clinician, language), series=series, key=" ltc2122 ")

    row = only_row(OutboundEmail.Kind.CONFIRMATION)
    words = WORDS[language]
    assert row.recipient == "alice@example.org"
    assert row.language == language
    assert row.subject == words["enrolled"]
    for body in (row.body_text, row.body_html):
        assert words["hello"] in body
        assert words["how"] in body
        assert words["key"] in body
        # The hub that handed the key out, not the key's label (staff's own note, such as "New cohort").
        assert words["handed_out"] in body
        assert "Northern Lakes LTC homes" not in body
        assert "Pain at the end of life" in body
    assert f'<html lang="{language}">' in row.body_html
    assert "http://127.0.0.1:8000/series/ltc-cop/" in row.body_html
    # Not registered yet: no join link anywhere.
    assert "zoom.example.org" not in row.body_text + row.body_html
    assert_links_absolute(row)
    assert row.idempotency_key == f"confirm:{series.enrollments.get().pk}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_registration_summary_lists_every_session_with_local_times_and_one_calendar_file(
    language, clinician, series, pain, delirium
):
    factories.EnrollmentFactory(user=clinician, series=series)
    services.register(user=_as(clinician, language), sessions=[delirium, pain], consent=True)

    row = only_row(OutboundEmail.Kind.REGISTRATION)
    words = WORDS[language]
    assert row.subject == words["registered_subject"]
    for body in (row.body_text, _fr_apostrophes(row.body_html)):
        assert words["registered_heading"] in body
        assert "Pain at the end of life" in body and "Delirium" in body
        assert _fr_apostrophes(words["when_et"]) in _fr_apostrophes(body)
        assert "https://zoom.example.org/j/111" in body
    assert _fr_apostrophes(words["join"]) in _fr_apostrophes(row.body_html)
    # In date order, whatever order they were picked in.
    assert row.body_text.index("Pain at the end of life") < row.body_text.index("Delirium")
    assert_links_absolute(row)

    mimetype, content = calendar_attachment(row)
    assert mimetype == "text/calendar; method=REQUEST"
    assert method(content) == "REQUEST"
    found = events(content)
    assert [event["uid"] for event in found] == [f"session-{pain.pk}@127.0.0.1", f"session-{delirium.pk}@127.0.0.1"]
    assert found[0]["start"] == NOON_ET and found[0]["end"] == ONE_PM_ET
    assert "https://zoom.example.org/j/111" in found[0]["description"]


def test_times_are_in_the_recipients_own_time_zone_with_the_zone_named(clinician, series, pain):
    factories.EnrollmentFactory(user=clinician, series=series)
    services.register(user=_as(clinician, "en", "America/Vancouver"), sessions=[pain], consent=True)

    row = only_row(OutboundEmail.Kind.REGISTRATION)
    assert row.subject == "You are registered: Pain at the end of life"
    assert WORDS["en"]["when_pt"] in row.body_text
    assert WORDS["en"]["when_pt"] in row.body_html


def test_french_times_in_the_pacific_zone(clinician, series, pain):
    factories.EnrollmentFactory(user=clinician, series=series)
    services.register(user=_as(clinician, "fr", "America/Vancouver"), sessions=[pain], consent=True)

    row = only_row(OutboundEmail.Kind.REGISTRATION)
    assert WORDS["fr"]["when_pt"] in row.body_text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_waitlist_then_promotion_then_the_cancellation_each_say_so(language, clinician, outsider, series, pain):
    pain.capacity = 1
    pain.save()
    for user in (clinician, outsider):
        factories.EnrollmentFactory(user=user, series=series)
    services.register(user=outsider, sessions=[pain], consent=True)
    services.register(user=_as(clinician, language), sessions=[pain], consent=True)

    waitlisted = only_row(OutboundEmail.Kind.WAITLIST)
    words = WORDS[language]
    assert waitlisted.recipient == clinician.email
    assert waitlisted.subject == words["waitlist_subject"]
    assert waitlisted.attachments == []
    # No seat, no join link.
    assert "zoom.example.org" not in waitlisted.body_text + waitlisted.body_html
    assert_links_absolute(waitlisted)

    services.cancel_registration(user=outsider, session=pain)

    promoted = only_row(OutboundEmail.Kind.PROMOTION)
    assert promoted.recipient == clinician.email
    assert promoted.subject == words["promoted_subject"]
    assert "https://zoom.example.org/j/111" in promoted.body_text
    mimetype, content = calendar_attachment(promoted)
    assert mimetype == "text/calendar; method=REQUEST"
    assert [event["uid"] for event in events(content)] == [f"session-{pain.pk}@127.0.0.1"]

    cancelled = only_row(OutboundEmail.Kind.CANCELLATION)
    assert cancelled.recipient == outsider.email
    assert cancelled.subject == "Registration cancelled: Pain at the end of life"
    mimetype, content = calendar_attachment(cancelled)
    assert mimetype == "text/calendar; method=CANCEL"
    assert method(content) == "CANCEL"
    assert [(event["uid"], event["status"]) for event in events(content)] == [
        (f"session-{pain.pk}@127.0.0.1", "CANCELLED")
    ]


def test_cancellation_in_french(clinician, series, pain):
    factories.EnrollmentFactory(user=clinician, series=series)
    services.register(user=_as(clinician, "fr"), sessions=[pain], consent=True)
    services.cancel_registration(user=clinician, session=pain)

    row = only_row(OutboundEmail.Kind.CANCELLATION)
    assert row.subject == WORDS["fr"]["cancelled_subject"]
    assert "Votre inscription est annulée" in row.body_text
    assert '<html lang="fr">' in row.body_html


def test_a_double_submit_sends_one_summary_and_a_new_pick_after_cancelling_sends_another(clinician, series, pain):
    factories.EnrollmentFactory(user=clinician, series=series)
    services.register(user=clinician, sessions=[pain], consent=True)
    services.register(user=clinician, sessions=[pain], consent=True)
    assert len(rows(OutboundEmail.Kind.REGISTRATION)) == 1

    services.cancel_registration(user=clinician, session=pain)
    services.register(user=clinician, sessions=[pain], consent=True)

    summaries = rows(OutboundEmail.Kind.REGISTRATION)
    assert len(summaries) == 2
    assert summaries[0].idempotency_key != summaries[1].idempotency_key


def test_the_delivered_message_has_a_text_body_an_html_alternative_and_the_invite(
    clinician, series, pain, mailoutbox, django_capture_on_commit_callbacks
):
    factories.EnrollmentFactory(user=clinician, series=series)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=clinician, sessions=[pain], consent=True)

    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert message.alternatives[0].mimetype == "text/html"
    parsed = message.message()
    # The invitation twice: the attached file, and the last body alternative (where Outlook looks for it).
    alternative, calendar_part = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_filename() == "echo-sessions.ics"
    assert b"BEGIN:VEVENT" in calendar_part.get_payload(decode=True)
    assert alternative.get_param("method") == "REQUEST"
    assert alternative.get_payload(decode=True) == calendar_part.get_payload(decode=True)


@pytest.mark.parametrize("count", [2, 8])
def test_the_summary_costs_one_insert_under_the_lock_and_is_rendered_from_one_query(clinician, hub, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enrollment import emails
    from notifications import deferred
    from sessions.models import Session

    series = factories.SeriesFactory(hub=hub)
    for index in range(count):
        start = NOON_ET + dt.timedelta(days=index)
        factories.SessionFactory(series=series, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    registrations = [
        factories.RegistrationFactory(user=clinician, session=session) for session in Session.objects.all()
    ]
    for registration in registrations:
        registration.session = Session.objects.get(pk=registration.session_id)  # as locked: series not loaded

    with CaptureQueriesContext(connection) as under_the_lock:
        emails.registrations_confirmed(user=clinician, registrations=registrations)
    (row,) = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REGISTRATION)
    with CaptureQueriesContext(connection) as at_delivery:
        rendered = deferred.render(renderer=row.renderer, data=row.render_data, language=row.language)

    # Whatever the number of sessions, in the service's transaction: the INSERT of the outbox row, nothing else.
    assert [query["sql"].split()[0] for query in under_the_lock.captured_queries] == ["INSERT"]
    # At delivery: the registrations with their person, sessions and series, in one query.
    assert len(at_delivery.captured_queries) == 1
    assert rendered.email.subject == f"You are registered for {count} sessions"
    assert len(rows(OutboundEmail.Kind.REGISTRATION)) == 1
