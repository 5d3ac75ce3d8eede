"""Which registrants are due a reminder now, queued once per threshold whatever the number of beats.

Run every few minutes by Celery beat. A reminder is due `24h` before a session
(when it starts between one and twenty-four hours from now) and `1h` before
(when it starts within the hour); a beat that was down past the first window
simply sends the second. Users who turned reminders off, cancelled sessions
and cancelled or waitlisted registrations are skipped, and so is a reminder
whose window had already opened when the seat was taken: that person has just
received the confirmation with the time and the join link.

Twice the same reminder is impossible: the outbox key
`reminder-<threshold>:<registration>:<sequence>` is unique. Twice the work is
avoided too: each batch of due registrations is claimed with
SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL) in the transaction that writes
their outbox rows, so a second beat running at the same time takes other rows,
and once committed the rows' keys exclude them from every later run.
"""

import datetime as dt

from django.db import transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Value
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.outbox import queue_bulk
from sessions.models import Session

from . import emails
from .models import Registration

# (threshold, how long before the start its window opens, how long before the start it closes)
THRESHOLDS = (
    ("24h", dt.timedelta(hours=24), dt.timedelta(hours=1)),
    ("1h", dt.timedelta(hours=1), dt.timedelta(0)),
)
BATCH_SIZE = 500


def due_reminders(*, threshold: str, now: dt.datetime):
    """Registrations whose session starts inside the threshold's window and that have no reminder yet."""
    _, opens_before, closes_before = next(item for item in THRESHOLDS if item[0] == threshold)
    return (
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=now + closes_before,
            session__starts_at__lte=now + opens_before,
            user__reminders_enabled=True,
            user__is_active=True,
            status_changed_at__lte=ExpressionWrapper(
                F("session__starts_at") - Value(opens_before), output_field=DateTimeField()
            ),
        )
        .annotate(reminder_key=emails.reminder_key_sql(threshold))
        .exclude(Exists(OutboundEmail.objects.filter(idempotency_key=OuterRef("reminder_key"))))
        .select_related("user", "session__series")
        .order_by("pk")
    )


def queue_due_reminders(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue every reminder due at `now`; returns how many were queued per threshold."""
    now = now or timezone.now()
    queued = {}
    for threshold, _, _ in THRESHOLDS:
        queued[threshold] = 0
        while True:
            with transaction.atomic():
                # The day-before email names the presenters: one more query per batch, not one per email.
                batch = list(
                    due_reminders(threshold=threshold, now=now)
                    .select_for_update(skip_locked=True, of=("self",))
                    .prefetch_related("session__presenters")[:BATCH_SIZE]
                )
                if batch:
                    queued[threshold] += queue_bulk(
                        messages=[
                            emails.reminder_message(registration=registration, threshold=threshold)
                            for registration in batch
                        ]
                    )
            if len(batch) < BATCH_SIZE:
                break
    return queued
