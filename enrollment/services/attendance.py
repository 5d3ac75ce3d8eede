"""Attendance: minutes from the platform's participant report, set on the session's registrants."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Lower

from sessions.models import Session

from ..models import Registration


@dataclass(frozen=True)
class AttendanceResult:
    """What an attendance import did: who got minutes, and who in the report had no seat to record them on."""

    matched: int
    updated: list[Registration]
    unmatched: list[str] = field(default_factory=list)
    not_registered: list[str] = field(default_factory=list)


def record_attendance(*, session: Session, rows: Iterable[tuple[str, int]]) -> AttendanceResult:
    """Set the minutes attended of a session's registrants from (email, minutes) rows, such as a participant report.

    Emails are compared trimmed and in any case; the minutes of one email are summed (people drop and
    rejoin) and capped at the session's length. Only registered people are updated: waitlisted and
    cancelled ones come back in ``not_registered``, emails with no registration at all in ``unmatched``.
    The minutes are set, not added, so importing the same report twice gives the same result.
    """
    totals: dict[str, int] = {}
    for email, minutes in rows:
        key = (email or "").strip().lower()
        if key:
            totals[key] = totals.get(key, 0) + max(int(minutes), 0)
    cap = session.duration_minutes
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .alias(email_lower=Lower("user__email"))
            .filter(session=session, email_lower__in=list(totals))
            .order_by("pk")
        )
        by_email = {registration.user.email.strip().lower(): registration for registration in registrations}
        updated = []
        not_registered = []
        for email, registration in by_email.items():
            if registration.status != Registration.Status.REGISTERED:
                not_registered.append(email)
                continue
            registration.attended_minutes = min(totals[email], cap)
            updated.append(registration)
        Registration.objects.bulk_update(updated, ["attended_minutes"])
    unmatched = [email for email in totals if email not in by_email]
    return AttendanceResult(
        matched=len(updated), updated=updated, unmatched=unmatched, not_registered=sorted(not_registered)
    )
