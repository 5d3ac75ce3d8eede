"""Rescheduling and cancelling a session bump its calendar sequence and tell listeners inside the transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from sessions.models import Resource, Session
from sessions.services import cancel_session, publish_resources, reschedule_session, save_edited_session
from sessions.signals import session_changed
from tests.factories import ResourceFactory, SessionFactory


@pytest.fixture
def heard():
    """What session_changed listeners receive, and whether they ran inside the caller's transaction."""
    calls = []

    def listener(sender, session, change, **kwargs):
        calls.append({"session": session.pk, "change": change, "in_atomic": connection.in_atomic_block})

    session_changed.connect(listener)
    yield calls
    session_changed.disconnect(listener)


@pytest.mark.django_db(transaction=True)
def test_reschedule_moves_the_session_bumps_sequence_and_signals_inside_the_transaction(heard):
    session = SessionFactory()
    new_start = session.starts_at + dt.timedelta(days=7)

    reschedule_session(session=session, starts_at=new_start, ends_at=new_start + dt.timedelta(hours=1))

    saved = Session.objects.get(pk=session.pk)
    assert saved.starts_at == new_start
    assert saved.sequence == 1 and session.sequence == 1
    assert heard == [{"session": session.pk, "change": "rescheduled", "in_atomic": True}]


@pytest.mark.django_db
def test_reschedule_to_the_same_time_changes_nothing(heard):
    session = SessionFactory()

    reschedule_session(session=session, starts_at=session.starts_at, ends_at=session.ends_at)

    assert Session.objects.get(pk=session.pk).sequence == 0
    assert heard == []


@pytest.mark.django_db
def test_reschedule_to_an_end_before_the_start_is_refused_and_changes_nothing(heard):
    session = SessionFactory()
    original_start = session.starts_at

    with pytest.raises(ValidationError):
        reschedule_session(session=session, starts_at=original_start, ends_at=original_start - dt.timedelta(minutes=30))

    saved = Session.objects.get(pk=session.pk)
    assert saved.starts_at == original_start and saved.sequence == 0
    assert heard == []


@pytest.mark.django_db
def test_a_failing_listener_rolls_the_change_back():
    session = SessionFactory()

    def broken(sender, **kwargs):
        raise RuntimeError("outbox unavailable")

    session_changed.connect(broken)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            cancel_session(session=session)
    finally:
        session_changed.disconnect(broken)

    saved = Session.objects.get(pk=session.pk)
    assert saved.status == Session.Status.SCHEDULED and saved.sequence == 0


@pytest.mark.django_db
def test_cancel_once_tells_once(heard):
    session = SessionFactory()

    cancel_session(session=session)
    cancel_session(session=session)

    saved = Session.objects.get(pk=session.pk)
    assert saved.status == Session.Status.CANCELLED and saved.sequence == 1
    assert [call["change"] for call in heard] == ["cancelled"]


@pytest.mark.django_db
def test_editing_a_time_in_a_form_goes_through_reschedule(heard):
    session = SessionFactory()
    session.title = "Advance Care Planning (new title)"
    session.starts_at += dt.timedelta(hours=2)
    session.ends_at += dt.timedelta(hours=2)

    save_edited_session(session=session, changed_fields={"title", "starts_at", "ends_at"})

    saved = Session.objects.get(pk=session.pk)
    assert saved.title == "Advance Care Planning (new title)"
    assert saved.sequence == 1
    assert [call["change"] for call in heard] == ["rescheduled"]


@pytest.mark.django_db
def test_editing_only_the_title_does_not_bump_the_sequence(heard):
    session = SessionFactory()
    session.title = "Renamed"

    save_edited_session(session=session, changed_fields={"title"})

    assert Session.objects.get(pk=session.pk).sequence == 0
    assert heard == []


@pytest.mark.django_db
def test_publish_resources_publishes_only_what_was_not_published():
    session = SessionFactory(days_from_now=-2)
    already = ResourceFactory(session=session)
    draft = ResourceFactory(session=session, kind=Resource.Kind.SLIDES, published_at=None)
    before = already.published_at

    assert publish_resources(session=session) == 1

    already.refresh_from_db()
    draft.refresh_from_db()
    assert already.published_at == before
    assert draft.published_at is not None
    assert publish_resources(session=session) == 0
