"""The outbox's tunables, read on each use so tests and deployments can change them without a restart."""

import random
from datetime import timedelta

from django.conf import settings


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def sweep_grace() -> timedelta:
    """How long a queued row waits for its after-commit task before the sweeper enqueues it again."""
    return timedelta(seconds=_seconds("OUTBOX_SWEEP_AFTER_SECONDS", 60))


def kick_flag_timeout() -> float:
    """How long the drain's wake-up flag (`notifications.kick`) stays up when no drain takes it down (its message
    was lost): the rows whose kick it swallowed wait at most this long for a drain, or for the sweep."""
    return _seconds("OUTBOX_KICK_FLAG_SECONDS", 60)


def claim_timeout() -> timedelta:
    """How long a row may stay in flight before it is presumed abandoned by a dead worker."""
    return timedelta(seconds=_seconds("OUTBOX_CLAIM_TIMEOUT_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 6))


def retry_delay(*, attempts: int) -> float:
    """Exponential backoff with jitter: base · 2^(attempts-1), capped, then scaled by a random 50–100 %."""
    base = _seconds("OUTBOX_RETRY_BACKOFF_SECONDS", 30)
    cap = _seconds("OUTBOX_RETRY_BACKOFF_MAX_SECONDS", 1800)
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return ceiling * random.uniform(0.5, 1.0)
