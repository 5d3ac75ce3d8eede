"""Changes to sessions that everyone registered must hear about.

A new time or a cancellation bumps `sequence` (calendar clients replace the
event only when it grows) and sends `session_changed` inside the same
transaction, so the notifications outbox rows are written atomically with the
change or not at all.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.page_cache import invalidate_public_pages

from .models import Resource, Session
from .signals import session_changed

RESCHEDULED = "rescheduled"
CANCELLED = "cancelled"


def reschedule_session(*, session: Session, starts_at: dt.datetime, ends_at: dt.datetime) -> Session:
    """Move a session; raises ValidationError (and changes nothing) when the new times are not valid."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.starts_at == starts_at and locked.ends_at == ends_at:
            return locked
        locked.starts_at = starts_at
        locked.ends_at = ends_at
        locked.sequence += 1
        locked.full_clean()
        locked.save(update_fields=["starts_at", "ends_at", "sequence", "updated_at"])
        session_changed.send(sender=Session, session=locked, change=RESCHEDULED)
    _refresh(session, locked)
    return locked


def cancel_session(*, session: Session) -> Session:
    """Cancel a session once; cancelling it again changes nothing and tells nobody twice."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.status == Session.Status.CANCELLED:
            return locked
        locked.status = Session.Status.CANCELLED
        locked.sequence += 1
        locked.full_clean()
        locked.save(update_fields=["status", "sequence", "updated_at"])
        session_changed.send(sender=Session, session=locked, change=CANCELLED)
    _refresh(session, locked)
    return locked


def save_edited_session(*, session: Session, changed_fields: set[str]) -> Session:
    """Save a session edited in a form; a new time or status on a saved session goes through the services above.

    So staff who edit a time in the admin bump the calendar sequence and tell
    registrants, exactly as the reschedule and cancel actions do.
    """
    if session._state.adding or not ({"starts_at", "ends_at", "status"} & changed_fields):
        session.save()
        return session
    new_start, new_end, new_status = session.starts_at, session.ends_at, session.status
    original = Session.objects.get(pk=session.pk)
    session.starts_at, session.ends_at, session.status = original.starts_at, original.ends_at, original.status
    with transaction.atomic():
        session.save()
        if {"starts_at", "ends_at"} & changed_fields:
            reschedule_session(session=session, starts_at=new_start, ends_at=new_end)
        if "status" in changed_fields and new_status == Session.Status.CANCELLED:
            cancel_session(session=session)
    return session


def publish_resources(*, session: Session, now: dt.datetime | None = None) -> int:
    """Publish the session's unpublished materials; returns how many. Recording emails follow from published_at."""
    now = now or timezone.now()
    with transaction.atomic():
        published = Resource.objects.filter(session=session, published_at__isnull=True).update(published_at=now)
    if published:
        invalidate_public_pages()  # the past-session archive and the session page list materials
    return published


def publish_resource_items(*, resource_ids: list[int], now: dt.datetime | None = None) -> int:
    """Publish chosen materials that are not yet published; returns how many."""
    now = now or timezone.now()
    published = Resource.objects.filter(pk__in=resource_ids, published_at__isnull=True).update(published_at=now)
    if published:
        invalidate_public_pages()
    return published


def _refresh(original: Session, saved: Session) -> None:
    for field in ("starts_at", "ends_at", "status", "sequence", "updated_at"):
        setattr(original, field, getattr(saved, field))
