"""Attended sessions to evaluate, and the link an attendee was emailed."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from notifications.models import OutboundEmail
from tests import factories

LINK = re.compile(r"(/evaluation/[^/\s\"]+/)")


def held_session(*, days_ago: int = 1, **fields):
    start = (timezone.now() - dt.timedelta(days=days_ago)).replace(microsecond=0)
    return factories.SessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1), **fields)


def attended(*, session, user=None, minutes: int | None = 55):
    return factories.RegistrationFactory(session=session, attended_minutes=minutes, **({"user": user} if user else {}))


def evaluation_rows() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=OutboundEmail.Kind.EVALUATION).order_by("pk"))


def link_path(row: OutboundEmail) -> str:
    match = LINK.search(row.body_text)
    assert match, row.body_text
    return match.group(1)


def ensure_default_form() -> None:
    """The default form comes from a data migration; a transactional test before this one may have flushed it."""
    import importlib

    from django.apps import apps

    importlib.import_module("evaluation.migrations.0002_default_form").create_default_form(apps, None)
