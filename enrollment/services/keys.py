"""Enrollment keys: find the one a learner typed, check its window, count its use."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from core.formatting import format_date, format_time
from series.models import Series

from ..models import EnrollmentKey, normalize_key
from .errors import EnrollmentError, InvalidKey


def find_active_key(*, code: str, series: Series | None = None) -> EnrollmentKey | None:
    """The active key matching what was typed (trimmed, any case); active keys are unique across series."""
    normalized = normalize_key(code)
    if not normalized:
        return None
    keys = EnrollmentKey.objects.alias(code_upper=Upper("code")).filter(code_upper=normalized, is_active=True)
    if series is not None:
        keys = keys.filter(series=series)
    return keys.select_related("series").first()


def check_window(*, key: EnrollmentKey, now: dt.datetime) -> None:
    if key.valid_from and now < key.valid_from:
        when = f"{format_date(key.valid_from)}, {format_time(key.valid_from)}"
        raise EnrollmentError(_("This key can be used from %(when)s.") % {"when": when}, code="key_not_yet_valid")
    if key.valid_until and now >= key.valid_until:
        raise EnrollmentError(_("This key has expired."), code="key_expired")
    if key.max_uses is not None and key.uses_count >= key.max_uses:
        raise EnrollmentError(_("This key has been used as many times as it allows."), code="key_used_up")


def consume(*, key: EnrollmentKey) -> None:
    """One more use, counted by the database: a conditional UPDATE never goes past max_uses."""
    claimed = (
        EnrollmentKey.objects.filter(pk=key.pk, is_active=True)
        .filter(Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")))
        .update(uses_count=F("uses_count") + 1)
    )
    if claimed != 1:
        raise EnrollmentError(_("This key has been used as many times as it allows."), code="key_used_up")


def invalid_key() -> InvalidKey:
    return InvalidKey(
        _("This key does not match. Check it and type it again, or ask whoever gave it to you."),
        code="invalid_key",
    )
