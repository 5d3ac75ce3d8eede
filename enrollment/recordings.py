"""The recording, slides and Q&A, emailed once to every registrant of a session after staff publish them.

Run by Celery beat. A session qualifies when it has ended and a resource was
published (Resource.published_at) within the last few days. The wording depends
on attendance: thanks to those who attended (attended_minutes > 0), "we missed
you" to the others. Attendance is usually imported a little after the session,
so a session waits for it up to ATTENDANCE_GRACE after its first publication,
then goes out with neutral wording. `recording:<registration>` keeps it to one
email per registrant, whatever is published later and however often beat runs;
batches are claimed with SKIP LOCKED as in reminders. Each batch writes its thousand rows in one
INSERT … SELECT, in SQL, and renders nothing: the wording is decided here, the email is built when it is
delivered, a delivery batch at a time (`emails.RECORDING`).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.outbox import queue_deferred_select
from sessions.models import Resource, Session

from . import emails
from .models import Registration

LOOKBACK = dt.timedelta(days=3)
ATTENDANCE_GRACE = dt.timedelta(hours=24)
BATCH_SIZE = 1000


def sessions_with_new_materials(*, now: dt.datetime):
    """Ended sessions with materials published in the lookback window; their published materials prefetched."""
    published = Resource.objects.filter(published_at__isnull=False, published_at__lte=now).order_by("kind", "pk")
    return (
        Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__lte=now)
        .filter(
            Exists(
                Resource.objects.filter(session=OuterRef("pk"), published_at__gt=now - LOOKBACK, published_at__lte=now)
            )
        )
        .annotate(
            attendance_known=Exists(Registration.objects.filter(session=OuterRef("pk"), attended_minutes__isnull=False))
        )
        .prefetch_related(Prefetch("resources", queryset=published, to_attr="published_resources"))
        .order_by("pk")
    )


def registrants_without_followup(*, session_ids: list[int]):
    return (
        Registration.objects.filter(session_id__in=session_ids, status=Registration.Status.REGISTERED)
        .annotate(followup_key=emails.recording_key_sql())
        .exclude(Exists(OutboundEmail.objects.filter(idempotency_key=OuterRef("followup_key"))))
        .order_by("pk")
    )


def queue_recording_followups(*, now: dt.datetime | None = None) -> int:
    """Queue the materials email for every registrant due one; returns how many were queued."""
    now = now or timezone.now()
    ready = {}
    for session in sessions_with_new_materials(now=now):
        first_published = min(resource.published_at for resource in session.published_resources)
        if session.attendance_known or first_published <= now - ATTENDANCE_GRACE:
            ready[session.pk] = session
    if not ready:
        return 0
    known = [pk for pk, session in ready.items() if session.attendance_known]
    queued = 0
    while True:
        with transaction.atomic():
            batch = registrants_without_followup(session_ids=list(ready)).select_for_update(
                skip_locked=True, of=("self",)
            )[:BATCH_SIZE]
            written = queue_deferred_select(
                rows=emails.recording_rows(batch, attendance_known_in=known),
                kind=OutboundEmail.Kind.RECORDING,
                renderer=emails.RECORDING,
            )
        queued += written
        if written < BATCH_SIZE:
            return queued
