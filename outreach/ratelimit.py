"""Public forms are limited per client address, counted in the shared cache (no CAPTCHA: it locks out screen readers).

The same add/incr pattern as the enrollment-key limit: the window starts with the first submission.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _name(form: str, client_address: str) -> str:
    digest = hashlib.sha256(client_address.encode()).hexdigest()[:32]
    return f"outreach-submissions:{form}:{digest}"


def allow_submission(*, form: str, client_address: str) -> bool:
    """Count one submission of `form` from this address; False once the address has used up its window."""
    if not client_address:
        return True
    name = _name(form, client_address)
    window = settings.OUTREACH_ADDRESS_WINDOW_SECONDS
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:
        # The window ended between add() and incr(): this submission opens a new one.
        cache.set(name, 1, timeout=window)
        count = 1
    return count <= settings.OUTREACH_SUBMISSIONS_PER_ADDRESS
