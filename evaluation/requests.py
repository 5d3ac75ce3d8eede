"""Who is asked to evaluate a session, and who is reminded: periodic work run by Celery beat.

A session's attendees are asked once its attendance is recorded (attended as `enrollment.attended` says),
up to LOOKBACK after it ended; each gets one EvaluationRequest (unique per person and session) and one
email in the same transaction. An unanswered request gets one reminder REMINDER_AFTER later, while its
link is still valid. People who turned programme emails off, inactive accounts, cancelled sessions and
series whose form is switched off are skipped. Batches are claimed with SELECT … FOR UPDATE SKIP LOCKED
as the session reminders are, so two beats at once share the work instead of doubling it; the unique
request row and the outbox keys make a repeat write nothing.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from enrollment.attended import attended_q
from enrollment.models import Registration
from notifications.outbox import queue_bulk
from sessions.models import Session

from . import emails
from .models import EvaluationForm, EvaluationRequest

LOOKBACK = dt.timedelta(days=30)
LINK_VALIDITY = dt.timedelta(days=30)
REMINDER_AFTER = dt.timedelta(days=4)
BATCH_SIZE = 500


def _series_with_active_form() -> Q:
    """Sessions whose series' form (its own, else the default) is switched on."""
    own_form_on = Q(session__series__evaluation_form__is_active=True)
    if EvaluationForm.objects.filter(series__isnull=True, is_active=True).exists():
        return own_form_on | Q(session__series__evaluation_form__isnull=True)
    return own_form_on


def attendees_to_ask(*, now: dt.datetime):
    """Attended registrations of sessions that ended within LOOKBACK whose person has not been asked yet."""
    already_asked = EvaluationRequest.objects.filter(user_id=OuterRef("user_id"), session_id=OuterRef("session_id"))
    return (
        Registration.objects.filter(
            attended_q(),
            _series_with_active_form(),
            session__status=Session.Status.SCHEDULED,
            session__ends_at__lte=now,
            session__ends_at__gt=now - LOOKBACK,
            user__is_active=True,
            user__programme_emails_enabled=True,
        )
        .exclude(Exists(already_asked))
        .select_related("user", "session__series")
        .order_by("pk")
    )


def queue_evaluation_requests(*, now: dt.datetime | None = None) -> int:
    """Ask every attendee due a request at `now`; returns how many were asked."""
    now = now or timezone.now()
    asked = 0
    while True:
        with transaction.atomic():
            batch = list(attendees_to_ask(now=now).select_for_update(skip_locked=True, of=("self",))[:BATCH_SIZE])
            expires_at = now + LINK_VALIDITY
            EvaluationRequest.objects.bulk_create(
                [
                    EvaluationRequest(user=row.user, session=row.session, created_at=now, expires_at=expires_at)
                    for row in batch
                ],
                ignore_conflicts=True,
            )
            asked += queue_bulk(
                messages=[
                    emails.evaluation_message(user=row.user, session=row.session, expires_at=expires_at, reminder=False)
                    for row in batch
                ]
            )
        if len(batch) < BATCH_SIZE:
            return asked


def requests_to_remind(*, now: dt.datetime):
    return (
        EvaluationRequest.objects.open(now=now)
        .filter(
            reminded_at__isnull=True,
            created_at__lte=now - REMINDER_AFTER,
            session__status=Session.Status.SCHEDULED,
            user__is_active=True,
            user__programme_emails_enabled=True,
        )
        .select_related("user", "session__series")
        .order_by("pk")
    )


def queue_evaluation_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind once everyone whose request is unanswered REMINDER_AFTER on; returns how many were reminded."""
    now = now or timezone.now()
    reminded = 0
    while True:
        with transaction.atomic():
            batch = list(requests_to_remind(now=now).select_for_update(skip_locked=True, of=("self",))[:BATCH_SIZE])
            EvaluationRequest.objects.filter(pk__in=[row.pk for row in batch]).update(reminded_at=now)
            reminded += queue_bulk(
                messages=[
                    emails.evaluation_message(
                        user=row.user, session=row.session, expires_at=row.expires_at, reminder=True
                    )
                    for row in batch
                ]
            )
        if len(batch) < BATCH_SIZE:
            return reminded
