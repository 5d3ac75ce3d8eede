"""Wrong enrollment keys are limited per account and per client address (core.ratelimit counts them).

The limits are settings (ENROLLMENT_KEY_FAILURES_PER_USER and its window, and the same per address).
"""

from __future__ import annotations

from django.conf import settings

from core import ratelimit


def _counters(*, user_id: int | None, client_address: str) -> list[ratelimit.Counter]:
    counters = []
    if user_id is not None:
        per_user = ratelimit.Limit(
            "enrollment-key:user",
            attempts=settings.ENROLLMENT_KEY_FAILURES_PER_USER,
            window_seconds=settings.ENROLLMENT_KEY_USER_WINDOW_SECONDS,
        )
        counters.append(ratelimit.counter(per_user, user_id))
    if client_address:
        per_address = ratelimit.Limit(
            "enrollment-key:address",
            attempts=settings.ENROLLMENT_KEY_FAILURES_PER_ADDRESS,
            window_seconds=settings.ENROLLMENT_KEY_ADDRESS_WINDOW_SECONDS,
        )
        counters.append(ratelimit.counter(per_address, client_address))
    return counters


def begin_key_guess(*, user_id: int | None, client_address: str) -> ratelimit.Attempt:
    """Count one key guess against the account and the address before it is checked (refused past either limit).

    The caller gives it back (`succeeded()`) when the key turned out right or was never checked."""
    return ratelimit.consume(_counters(user_id=user_id, client_address=client_address))
