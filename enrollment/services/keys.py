"""Enrollment keys: find the one a learner typed, check its window, count its use."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db.models import F, Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from core.formatting import format_date, format_time
from series.models import Series

from ..key_limits import begin_key_guess
from ..models import EnrollmentKey, normalize_key
from .errors import EnrollmentError, InvalidKey

# Generated keys are read aloud, printed and typed on phones: no 0/O, 1/I/L, nor 5/S, 2/Z, 8/B pairs.
READABLE_KEY_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
GENERATED_KEY_LENGTH = 8


def _comparable_code():
    """The stored code as `normalize_key` compares it; keys saved before it ignored inner spaces may hold some."""
    return Replace(Replace(Upper("code"), Value(" "), Value("")), Value("-"), Value(""))


def find_active_key(*, code: str, series: Series | None = None) -> EnrollmentKey | None:
    """The active key matching what was typed (any case, spaces and hyphens ignored); unique across series."""
    normalized = normalize_key(code)
    if not normalized:
        return None
    keys = EnrollmentKey.objects.alias(comparable=_comparable_code()).filter(comparable=normalized, is_active=True)
    if series is not None:
        keys = keys.filter(series=series)
    return keys.select_related("series").first()


def code_in_use(*, code: str, exclude_pk: int | None = None) -> bool:
    keys = EnrollmentKey.objects.alias(comparable=_comparable_code()).filter(
        comparable=normalize_key(code), is_active=True
    )
    if exclude_pk is not None:
        keys = keys.exclude(pk=exclude_pk)
    return keys.exists()


def generate_key() -> str:
    """A random key nobody uses yet, easy to read and type (eight characters: about 10¹¹ possibilities)."""
    while True:
        code = "".join(secrets.choice(READABLE_KEY_ALPHABET) for _ in range(GENERATED_KEY_LENGTH))
        if not code_in_use(code=code):
            return code


def check_code_free(*, code: str, user_id: int, exclude_pk: int | None = None) -> None:
    """Refuse a code staff typed for a new active key when another active key has it, without saying where.

    Keys stay unique across series (the "have a key?" box finds the series by its key alone), so a collision
    tells the person typing that the key exists somewhere: it counts as a wrong guess against their account,
    under the same limit learners have, and past it every typed code is refused until the window ends.
    """
    guess = begin_key_guess(user_id=user_id, client_address="")
    if not guess.allowed:
        raise EnrollmentError(
            _("Too many keys were refused. Try again in %(wait)s, or use the generated key offered.")
            % {"wait": timeuntil(guess.lockout.retry_at, timezone.now())},
            code="key_guesses_locked",
        )
    if code_in_use(code=code, exclude_pk=exclude_pk):
        raise EnrollmentError(key_unavailable_message(), code="key_unavailable")
    guess.succeeded()


def key_unavailable_message() -> str:
    return _("This key cannot be used. Choose another one.")


def _used_up() -> EnrollmentError:
    """A key past its maximum uses: seen before the lock (`check_window`) or by the counting UPDATE (`consume`)."""
    return EnrollmentError(
        _("This key has been used as many times as it allows. Ask whoever gave it to you for a new one."),
        code="key_used_up",
    )


def check_window(*, key: EnrollmentKey, now: dt.datetime) -> None:
    if key.valid_from and now < key.valid_from:
        when = f"{format_date(key.valid_from)}, {format_time(key.valid_from)}"
        raise EnrollmentError(_("This key can be used from %(when)s.") % {"when": when}, code="key_not_yet_valid")
    if key.valid_until and now >= key.valid_until:
        raise EnrollmentError(_("This key has expired. Ask whoever gave it to you for a new one."), code="key_expired")
    if key.max_uses is not None and key.uses_count >= key.max_uses:
        raise _used_up()


def consume(*, key: EnrollmentKey) -> None:
    """One more use, counted by the database: a conditional UPDATE never goes past max_uses."""
    claimed = (
        EnrollmentKey.objects.filter(pk=key.pk, is_active=True)
        .filter(Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")))
        .update(uses_count=F("uses_count") + 1)
    )
    if claimed != 1:
        raise _used_up()


def invalid_key() -> InvalidKey:
    return InvalidKey(
        _("This key does not match. Check it and type it again, or ask whoever gave it to you."),
        code="invalid_key",
    )
