"""The sweeper: rows whose after-commit task never ran (broker down, worker died) are found and handed out again."""

from collections.abc import Callable, Sequence

from django.db import connection, transaction
from django.utils import timezone

from .models import OutboundEmail
from .policy import claim_timeout, sweep_grace


def release_abandoned() -> int:
    """Put rows in flight for longer than the claim timeout back in the queue (their worker died)."""
    now = timezone.now()
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.IN_FLIGHT, claimed_at__lt=now - claim_timeout()
    ).update(status=OutboundEmail.Status.QUEUED, next_attempt_at=now, updated_at=now)


def claim_due(*, limit: int = 1000) -> list[int]:
    """Take queued rows whose task is overdue, so this sweeper alone re-enqueues them for the next minute.

    On PostgreSQL, SKIP LOCKED gives concurrent sweepers disjoint rows in one statement; elsewhere each row is
    taken with its own conditional UPDATE. Either way a row is handed out once per grace period.
    """
    now = timezone.now()
    lease_until = now + sweep_grace()
    due = OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "pk"
    )
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            OutboundEmail.objects.filter(pk__in=ids).update(next_attempt_at=lease_until, updated_at=now)
        return ids
    taken = []
    for pk, next_attempt_at in due.values_list("pk", "next_attempt_at")[:limit]:
        won = OutboundEmail.objects.filter(
            pk=pk, status=OutboundEmail.Status.QUEUED, next_attempt_at=next_attempt_at
        ).update(next_attempt_at=lease_until, updated_at=now)
        if won:
            taken.append(pk)
    return taken


def sweep(*, publish: Callable[[Sequence[int]], None], limit: int = 1000, max_rounds: int = 50) -> list[int]:
    """Release abandoned rows, then re-enqueue overdue ones, `limit` at a time, so the backlog of a long broker
    outage (a fan-out to thousands) drains in one run rather than a thousand a minute. Returns the ids handed out.
    """
    release_abandoned()
    handed_out: list[int] = []
    for _round in range(max_rounds):
        ids = claim_due(limit=limit)
        publish(ids)
        handed_out.extend(ids)
        if len(ids) < limit:
            break
    return handed_out
