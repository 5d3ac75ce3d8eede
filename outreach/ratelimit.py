"""Public forms are limited per client address, counted by core.ratelimit (no CAPTCHA: it locks out screen readers).

The window starts with the address's first submission; every submission counts, accepted or not.
"""

from __future__ import annotations

from django.conf import settings

from core import ratelimit


def allow_submission(*, form: str, client_address: str) -> bool:
    """Count one submission of `form` from this address; False once the address has used up its window."""
    if not client_address:
        return True
    limit = ratelimit.Limit(
        f"outreach-submissions:{form}",
        attempts=settings.OUTREACH_SUBMISSIONS_PER_ADDRESS,
        window_seconds=settings.OUTREACH_ADDRESS_WINDOW_SECONDS,
    )
    return ratelimit.consume([ratelimit.counter(limit, client_address)]).allowed
