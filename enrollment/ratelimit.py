"""Wrong enrollment keys are limited per account and per client address, in the shared cache.

Past a limit every key is refused, the right one too, until the window that started
with the first wrong key ends: otherwise guessing would only be slowed, not stopped.
The limits are settings (ENROLLMENT_KEY_FAILURES_PER_USER and its window, and the same
per address); production needs a cache all web processes share (Redis).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    """Every key is refused until ``retry_at``."""

    retry_at: dt.datetime

    @property
    def seconds_left(self) -> int:
        return max(1, int((self.retry_at - timezone.now()).total_seconds() + 0.999))


def _buckets(*, user_id: int | None, client_address: str) -> list[tuple[str, int, int]]:
    buckets = []
    if user_id is not None:
        buckets.append(
            (
                f"enrollment-key-failures:user:{user_id}",
                settings.ENROLLMENT_KEY_FAILURES_PER_USER,
                settings.ENROLLMENT_KEY_USER_WINDOW_SECONDS,
            )
        )
    if client_address:
        digest = hashlib.sha256(client_address.encode()).hexdigest()[:32]
        buckets.append(
            (
                f"enrollment-key-failures:address:{digest}",
                settings.ENROLLMENT_KEY_FAILURES_PER_ADDRESS,
                settings.ENROLLMENT_KEY_ADDRESS_WINDOW_SECONDS,
            )
        )
    return buckets


def key_guess_lockout(*, user_id: int | None, client_address: str) -> Lockout | None:
    """The lockout in force for this account or address, if either has used up its wrong guesses."""
    buckets = _buckets(user_id=user_id, client_address=client_address)
    names = [name for name, _limit, _window in buckets] + [f"{name}:until" for name, _limit, _window in buckets]
    stored = cache.get_many(names)
    retry_at = None
    for name, limit, window in buckets:
        if int(stored.get(name) or 0) >= limit:
            until = stored.get(f"{name}:until") or time.time() + window
            candidate = dt.datetime.fromtimestamp(until, tz=dt.UTC)
            retry_at = max(retry_at, candidate) if retry_at else candidate
    return Lockout(retry_at=retry_at) if retry_at else None


def record_wrong_key(*, user_id: int | None, client_address: str) -> None:
    """Count one wrong key against the account and the address; the window starts at the first one."""
    for name, _limit, window in _buckets(user_id=user_id, client_address=client_address):
        cache.add(f"{name}:until", time.time() + window, timeout=window)
        cache.add(name, 0, timeout=window)
        try:
            cache.incr(name)
        except ValueError:
            # The window ended between add() and incr(): this wrong key opens a new one.
            cache.set(name, 1, timeout=window)
