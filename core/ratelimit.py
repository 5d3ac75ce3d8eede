"""Failures counted in the shared cache, in fixed windows: the one limiter every guard uses.

A guard names its limits (how many failures, over what window) and, for each request, the
identities it counts against (an account, a client address). Past a limit, every attempt is
refused, the right one too, until the window that started with the first failure ends:
otherwise guessing would only be slowed, not stopped. Only failures count, so people who get
it right are never held back by a window filling slowly.

Production needs a cache every web process shares (Redis); `add()` and `incr()` are atomic there
and on the local-memory cache `make run` uses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    """At most ``failures`` per ``window_seconds`` for one identity in ``scope``."""

    scope: str
    failures: int
    window_seconds: int


@dataclass(frozen=True)
class Lockout:
    """Every attempt is refused until ``retry_at``."""

    retry_at: dt.datetime

    @property
    def seconds_left(self) -> int:
        return max(1, int((self.retry_at - timezone.now()).total_seconds() + 0.999))


@dataclass(frozen=True)
class Counter:
    limit: Limit
    key: str


def counter(limit: Limit, identity: str | int) -> Counter:
    """The counter of one identity under one limit; identities are hashed so no address or name sits in the cache."""
    digest = hashlib.sha256(str(identity).encode()).hexdigest()[:32]
    return Counter(limit=limit, key=f"ratelimit:{limit.scope}:{digest}")


def lockout(counters: Iterable[Counter]) -> Lockout | None:
    """The lockout in force, if any of these counters has used up its failures."""
    counters = list(counters)
    stored = cache.get_many([c.key for c in counters] + [f"{c.key}:until" for c in counters])
    retry_at = None
    for c in counters:
        if int(stored.get(c.key) or 0) >= c.limit.failures:
            until = stored.get(f"{c.key}:until") or time.time() + c.limit.window_seconds
            candidate = dt.datetime.fromtimestamp(until, tz=dt.UTC)
            retry_at = max(retry_at, candidate) if retry_at else candidate
    return Lockout(retry_at=retry_at) if retry_at else None


def record_failure(counters: Iterable[Counter]) -> None:
    """Count one failure on each counter; a counter's window starts at its first failure."""
    for c in counters:
        window = c.limit.window_seconds
        cache.add(f"{c.key}:until", time.time() + window, timeout=window)
        cache.add(c.key, 0, timeout=window)
        try:
            cache.incr(c.key)
        except ValueError:
            # The window ended between add() and incr(): this failure opens a new one.
            cache.set(c.key, 1, timeout=window)
