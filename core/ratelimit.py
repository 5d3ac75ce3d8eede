"""Attempts counted in the shared cache, in fixed windows: the one limiter every guard uses.

A guard names its limits (how many attempts, over what window) and, for each request, the
identities it counts against (an account, a client address). It calls `consume()` *before* doing
the work: each counter is incremented first, atomically (`cache.add` + `cache.incr`, atomic on
Redis and on the local-memory cache `make run` uses), and the decision is taken on the value that
increment returned. Thirty requests at once therefore see thirty different values and at most
`limit` of them go ahead; reading a count and incrementing it later would let a burst through.
An attempt that turns out not to be a failure (the right password, the right key) is given back
with `Attempt.succeeded()`, so people who get it right are never held back by a window filling
slowly; a refused attempt gives its increments back too, so being locked out on one counter does
not use up another's allowance.

Past a limit every attempt is refused, the right one too, until the window ends: otherwise
guessing would only be slowed, not stopped. An identity's first window starts at its first
attempt and the next ones follow it, each window its own cache key, so the count never needs
resetting (no race at the boundary) and time is read from one clock (`clock`, replaced by tests).

Identities that are names (an email address typed in a form) are normalised as authentication
normalises them (Unicode NFKC, then case-folded), so `ａdmin@example.org` and `Admin@Example.org`
count against the same account as `admin@example.org`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import math
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache

# Seconds since the epoch; tests replace it to move time instead of waiting.
clock = time.time

# An identity's windows are numbered from its first attempt, remembered this long past the window.
_ANCHOR_KEEP_WINDOWS = 4


def normalise_identity(value: str) -> str:
    """The form of a typed name (email, username) that authentication compares: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def client_address(request) -> str:
    """The client's address as allauth sees it (it honours ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(request) or "unknown"


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` per ``window_seconds`` for one identity in ``scope``."""

    scope: str
    attempts: int
    window_seconds: int


@dataclass(frozen=True)
class Lockout:
    """Every attempt is refused until ``retry_at``."""

    retry_at: dt.datetime
    checked_at: float = field(default_factory=lambda: clock())

    @property
    def seconds_left(self) -> int:
        # Rounded to the millisecond first: datetime keeps microseconds, so a whole number of seconds stays whole.
        return max(1, math.ceil(round(self.retry_at.timestamp() - self.checked_at, 3)))


@dataclass(frozen=True)
class Counter:
    limit: Limit
    key: str


def counter(limit: Limit, identity: str | int) -> Counter:
    """The counter of one identity under one limit; identities are hashed so no address or name sits in the cache."""
    if isinstance(identity, str):
        identity = normalise_identity(identity)
    digest = hashlib.sha256(str(identity).encode()).hexdigest()[:32]
    return Counter(limit=limit, key=f"ratelimit:{limit.scope}:{digest}")


def _window(c: Counter, now: float) -> tuple[str, float]:
    """The cache key of the window `now` falls in for this counter, and when that window ends."""
    window = c.limit.window_seconds
    anchor_key = f"{c.key}:anchor"
    cache.add(anchor_key, now, timeout=window * _ANCHOR_KEEP_WINDOWS)
    anchor = cache.get(anchor_key)
    if anchor is None or anchor > now:
        anchor = now
    index = int((now - anchor) // window)
    return f"{c.key}:{index}", anchor + (index + 1) * window


def _increment(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window * 2)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add() and incr() (a cache evicting under pressure): start it again.
        cache.add(key, 0, timeout=window * 2)
        return cache.incr(key)


@dataclass
class Attempt:
    """One attempt counted on its counters; refused (``lockout`` set) when any counter went past its limit."""

    counted: list[str]
    lockout: Lockout | None

    @property
    def allowed(self) -> bool:
        return self.lockout is None

    def succeeded(self) -> None:
        """This attempt was not a failure (right password, right key): it no longer counts."""
        _give_back(self.counted)
        self.counted = []


def _give_back(keys: list[str]) -> None:
    for key in keys:
        with contextlib.suppress(ValueError):  # its window is already gone
            cache.decr(key)


def consume(counters: Iterable[Counter]) -> Attempt:
    """Count one attempt on every counter first, then decide on the values the increments returned."""
    now = clock()
    counted: list[str] = []
    retry_at: float | None = None
    for c in counters:
        key, ends_at = _window(c, now)
        value = _increment(key, c.limit.window_seconds)
        counted.append(key)
        if value > c.limit.attempts:
            retry_at = max(retry_at or ends_at, ends_at)
    if retry_at is None:
        return Attempt(counted=counted, lockout=None)
    _give_back(counted)
    lockout = Lockout(retry_at=dt.datetime.fromtimestamp(retry_at, tz=dt.UTC), checked_at=now)
    return Attempt(counted=[], lockout=lockout)
