"""Wrong enrollment keys are limited per account and per client address (core.ratelimit counts them).

The limits are settings (ENROLLMENT_KEY_FAILURES_PER_USER and its window, and the same per address).
"""

from __future__ import annotations

from django.conf import settings

from core import ratelimit
from core.ratelimit import Lockout


def _counters(*, user_id: int | None, client_address: str) -> list[ratelimit.Counter]:
    counters = []
    if user_id is not None:
        per_user = ratelimit.Limit(
            "enrollment-key:user",
            failures=settings.ENROLLMENT_KEY_FAILURES_PER_USER,
            window_seconds=settings.ENROLLMENT_KEY_USER_WINDOW_SECONDS,
        )
        counters.append(ratelimit.counter(per_user, user_id))
    if client_address:
        per_address = ratelimit.Limit(
            "enrollment-key:address",
            failures=settings.ENROLLMENT_KEY_FAILURES_PER_ADDRESS,
            window_seconds=settings.ENROLLMENT_KEY_ADDRESS_WINDOW_SECONDS,
        )
        counters.append(ratelimit.counter(per_address, client_address))
    return counters


def key_guess_lockout(*, user_id: int | None, client_address: str) -> Lockout | None:
    """The lockout in force for this account or address, if either has used up its wrong guesses."""
    return ratelimit.lockout(_counters(user_id=user_id, client_address=client_address))


def record_wrong_key(*, user_id: int | None, client_address: str) -> None:
    """Count one wrong key against the account and the address."""
    ratelimit.record_failure(_counters(user_id=user_id, client_address=client_address))
