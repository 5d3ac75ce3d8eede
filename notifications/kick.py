"""The coalesced kick: a row written alone wakes one drain through a flag in the shared cache, instead of paying a
broker publish of its own; the drain delivers every row waiting for a kick, a batch at a time.

After commit, the writer of one row calls `raise_flag()`: `cache.add`, so only the caller that found no flag set
it, and only that caller publishes a drain (`notifications.tasks.publish_deliveries`). The drain (`drain`) first
takes the flag down, then claims the rows waiting for a kick (`delivery.claim_fresh`: queued, never claimed,
still within their sweep grace) and delivers them on one SMTP connection per batch, until a claim comes back
empty. A burst of registrations therefore costs one publish per drain a worker runs, not one per email.

Why no row is missed. A row is committed before its writer calls `add`. If the `add` sets the flag, the writer
publishes a drain, which takes the flag down after that `add` and claims after that, so it sees the row. If the
`add` finds the flag up, the drain of whoever raised it has not yet taken it down: it does so after this `add`,
hence after the row's commit, and its claims, which come after, see the row (unless that drain's message was
lost: below). A claim passes over a row only when another transaction holds it (SKIP LOCKED: another drain, a
fan-out batch or the sweeper, which then hands it out), or when the row's grace ran out while the drain waited
for a worker (the sweep's, then). Two drains never send the same row: each takes it with the claim, queued → in
flight, before sending.

What the kick does not cover is left to the minute sweep, which takes every queued row past its grace whatever
the flag says: a drain message lost with the flag up (the flag expires after `policy.kick_flag_timeout()`; the
rows whose kick it swallowed go with the next drain after that, or with the sweep, whichever comes first), a
drain killed while sending (`acks_late` redelivers it; its claims expire), and rows whose attempt failed (they
wait for their backoff, as a fan-out's do). A cache that errors costs the writer its own publish, as before.
"""

from __future__ import annotations

import logging

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

from . import delivery
from .policy import kick_flag_timeout

logger = logging.getLogger(__name__)

FLAG = "notifications:outbox:drain-due"


def raise_flag() -> bool:
    """Raise the wake-up flag: True when this caller raised it (it must publish a drain), False when it was up
    already (a drain is due and will see this caller's rows). Raises whatever the cache raises."""
    return cache.add(FLAG, 1, timeout=kick_flag_timeout())


def lower_flag() -> None:
    """Take the flag down, so the next row written publishes a drain again. Raises whatever the cache raises."""
    cache.delete(FLAG)


def flag_seen_by_other_processes() -> bool:
    """Whether a worker elsewhere sees the flag this process raises: not in a local-memory cache, which each
    process keeps to itself (a web process would never see a worker take the flag down)."""
    return not isinstance(caches["default"], LocMemCache)


def drain(*, batch_size: int) -> dict[delivery.Outcome, int]:
    """Take the flag down, then claim and deliver the rows waiting for a kick, `batch_size` at a time, until a
    claim comes back empty. Returns how many were sent, failed, put back for a retry or given back untried."""
    try:
        lower_flag()
    except Exception:  # the flag expires by itself; the rows whose kick it swallows meanwhile are swept
        logger.warning("Could not take the outbox drain flag down", exc_info=True)
    counts = dict.fromkeys(delivery.Outcome, 0)
    while rows := delivery.claim_fresh(limit=batch_size):
        for outcome, count in delivery.deliver_claimed(rows).items():
            counts[outcome] += count
    return counts
