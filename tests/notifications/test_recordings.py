"""The recording, slides and Q&A go once to every registrant, worded for those who came and those who missed it."""

import datetime as dt

import pytest
from django.utils import timezone

from enrollment import recordings
from enrollment import tasks as enrollment_tasks
from enrollment.models import Registration
from notifications.models import OutboundEmail
from sessions import services as session_services
from sessions.models import Resource
from tests import factories
from tests.notifications.content_support import assert_links_absolute, rows

pytestmark = pytest.mark.django_db

RECORDING = OutboundEmail.Kind.RECORDING


@pytest.fixture
def held(hub):
    """A session held yesterday, with a recording and slides not yet published and a Q&A written out."""
    series = factories.SeriesFactory(hub=hub, title="Palliative Care ECHO")
    start = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0)
    session = factories.SessionFactory(
        series=series, title="Advance care planning", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    factories.ResourceFactory(
        session=session, kind=Resource.Kind.RECORDING, url="https://video.example.org/acp", published_at=None
    )
    factories.ResourceFactory(
        session=session,
        kind=Resource.Kind.SLIDES,
        title="ACP slides",
        url="",
        published_at=None,
        file="resources/acp.pdf",
    )
    factories.ResourceFactory(
        session=session, kind=Resource.Kind.QA, url="", text="Q: When? A: Early.", published_at=None
    )
    return session


def _by_recipient():
    return {row.recipient: row for row in rows(RECORDING)}


def test_attendees_are_thanked_and_those_who_missed_it_are_invited_to_catch_up(held, clinician, outsider):
    came = factories.RegistrationFactory(user=clinician, session=held, attended_minutes=55)
    missed = factories.RegistrationFactory(user=outsider, session=held, attended_minutes=0)
    factories.RegistrationFactory(session=held, status=Registration.Status.CANCELLED)
    factories.RegistrationFactory(session=held, status=Registration.Status.WAITLISTED)
    session_services.publish_resources(session=held)

    assert recordings.queue_recording_followups() == 2

    sent = _by_recipient()
    assert set(sent) == {clinician.email, outsider.email}
    thanked = sent[clinician.email]
    assert thanked.subject == "Thank you for attending Advance care planning: the materials"
    assert "Thank you for attending “Advance care planning”" in thanked.body_text
    assert thanked.idempotency_key == f"recording:{came.pk}"
    caught_up = sent[outsider.email]
    assert caught_up.subject == "We missed you at Advance care planning: catch up with the recording"
    assert "We missed you at “Advance care planning”" in caught_up.body_text
    assert caught_up.idempotency_key == f"recording:{missed.pk}"
    for row in (thanked, caught_up):
        assert "https://video.example.org/acp" in row.body_html
        # Files are linked through the download view that checks who asks, never a public media path.
        slides = held.resources.get(kind=Resource.Kind.SLIDES)
        assert f"http://127.0.0.1:8000/sessions/materials/{slides.pk}/file/" in row.body_html
        assert "/media/" not in row.body_html
        assert "ACP slides" in row.body_html
        # Written-out Q&A is read on the session page.
        assert f'href="http://127.0.0.1:8000/sessions/{held.pk}/">Questions and answers</a>' in row.body_html
        assert_links_absolute(row)


def test_in_french(held, clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    factories.RegistrationFactory(user=clinician, session=held, attended_minutes=0)
    session_services.publish_resources(session=held)

    recordings.queue_recording_followups()

    (row,) = rows(RECORDING)
    assert row.subject == "Vous nous avez manqué à Advance care planning : rattrapez-vous avec l’enregistrement"
    assert "Vous nous avez manqué à « Advance care planning »" in row.body_text
    assert '<html lang="fr">' in row.body_html


def test_it_waits_for_attendance_then_goes_out_with_neutral_wording(held, clinician):
    factories.RegistrationFactory(user=clinician, session=held)
    session_services.publish_resources(session=held)

    assert recordings.queue_recording_followups() == 0

    assert recordings.queue_recording_followups(now=timezone.now() + dt.timedelta(hours=25)) == 1
    (row,) = rows(RECORDING)
    assert row.subject == "Recording and materials: Advance care planning"
    assert "which you registered for, are now available" in row.body_text


def test_each_registrant_gets_it_once_even_when_more_is_published_later(held, clinician):
    factories.RegistrationFactory(user=clinician, session=held, attended_minutes=60)
    session_services.publish_resources(session=held)
    recordings.queue_recording_followups()
    recordings.queue_recording_followups()
    factories.ResourceFactory(session=held, kind=Resource.Kind.HANDOUT, url="https://example.org/handout")
    enrollment_tasks.queue_recording_followups.apply()

    assert len(rows(RECORDING)) == 1


def test_unpublished_old_or_future_materials_send_nothing(hub, clinician):
    unpublished = factories.ResourceFactory(published_at=None).session
    old = factories.ResourceFactory(published_at=timezone.now() - dt.timedelta(days=10)).session
    upcoming = factories.SessionFactory(days_from_now=3)
    factories.ResourceFactory(session=upcoming, published_at=timezone.now())
    for session in (unpublished, old, upcoming):
        factories.RegistrationFactory(session=session, attended_minutes=30)

    assert recordings.queue_recording_followups() == 0


@pytest.mark.parametrize("count", [2, 20])
def test_the_fan_out_reads_everything_in_a_fixed_number_of_queries(held, count, django_assert_num_queries):
    for _ in range(count):
        factories.RegistrationFactory(session=held, attended_minutes=10)
    session_services.publish_resources(session=held)
    # 1. sessions with new materials (with attendance known); 2. their published materials;
    # 3. savepoint; 4. one INSERT … SELECT of the registrants without a follow-up, claimed, returning the ids;
    # 5. release the savepoint
    with django_assert_num_queries(5):
        assert recordings.queue_recording_followups() == count
