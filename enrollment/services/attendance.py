"""Attendance: minutes from the platform's participant report, and staff adjusting them by hand with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.models import Session

from ..models import AttendanceChange, Registration, UnseatedAttendance


@dataclass(frozen=True)
class AttendanceResult:
    """What an attendance import did: who got minutes, and who in the report had no seat to record them on."""

    matched: int
    updated: list[Registration]
    unmatched: list[str] = field(default_factory=list)
    not_registered: list[str] = field(default_factory=list)
    kept_adjusted: int = 0
    absent: int = 0


def record_attendance(*, session: Session, rows: Iterable[tuple[str, int]]) -> AttendanceResult:
    """Set the minutes attended of a session's registrants from (email, minutes) rows, such as a participant report.

    Emails are compared trimmed and in any case; the minutes of one email are summed (people drop and
    rejoin) and capped at the session's length. Only registered people are updated: waitlisted and
    cancelled ones come back in ``not_registered``, emails with no registration at all in ``unmatched``.
    The minutes are set, not added, so importing the same report twice gives the same result.
    The report's value is kept on every registration (`imported_minutes`); where staff adjusted the
    attendance by hand, their value stands (counted in ``kept_adjusted``). Registrants the report does not
    list did not join: they are recorded absent, 0 minutes (counted in ``absent``). Lines for people without
    a seat are kept as `UnseatedAttendance` (replacing the session's earlier ones) for the series' credits page.
    """
    totals: dict[str, int] = {}
    for email, minutes in rows:
        key = (email or "").strip().lower()
        if key:
            totals[key] = totals.get(key, 0) + max(int(minutes), 0)
    cap = session.duration_minutes
    with transaction.atomic():
        # Every registration of the session is locked: those in the report get its minutes, registered people
        # missing from it are recorded absent.
        registrations = list(
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .alias(email_lower=Lower("user__email"))
            .filter(Q(status=Registration.Status.REGISTERED) | Q(email_lower__in=list(totals)), session=session)
            .order_by("pk")
        )
        by_email = {
            registration.user.email.strip().lower(): registration
            for registration in registrations
            if registration.user.email.strip().lower() in totals
        }
        updated = []
        not_registered = []
        kept_adjusted = 0
        unseated = [
            UnseatedAttendance(
                session=session,
                email=email,
                minutes=min(minutes, cap),
                reason=UnseatedAttendance.Reason.NO_REGISTRATION,
                imported_at=timezone.now(),
            )
            for email, minutes in totals.items()
            if email not in by_email
        ]
        for email, registration in by_email.items():
            if registration.status != Registration.Status.REGISTERED:
                not_registered.append(email)
                unseated.append(
                    UnseatedAttendance(
                        session=session,
                        email=email,
                        minutes=min(totals[email], cap),
                        reason=UnseatedAttendance.Reason(registration.status),
                        imported_at=timezone.now(),
                    )
                )
                continue
            registration.imported_minutes = min(totals[email], cap)
            if registration.attendance_adjusted_at is None:
                registration.attended_minutes = registration.imported_minutes
            else:
                kept_adjusted += 1
            updated.append(registration)
        absent = [
            registration
            for registration in registrations
            if registration.status == Registration.Status.REGISTERED
            and registration.user.email.strip().lower() not in totals
        ]
        for registration in absent:
            registration.imported_minutes = 0
            if registration.attendance_adjusted_at is None:
                registration.attended_minutes = 0
            else:
                kept_adjusted += 1
        Registration.objects.bulk_update(updated + absent, ["attended_minutes", "imported_minutes"])
        # The session's latest report says who attended without a seat; an earlier import's list is replaced.
        UnseatedAttendance.objects.filter(session=session).delete()
        UnseatedAttendance.objects.bulk_create(unseated)
    unmatched = [email for email in totals if email not in by_email]
    return AttendanceResult(
        matched=len(updated),
        updated=updated,
        unmatched=unmatched,
        not_registered=sorted(not_registered),
        kept_adjusted=kept_adjusted,
        absent=len(absent),
    )


PRESENT = "present"
ABSENT = "absent"


@dataclass(frozen=True)
class AdjustmentResult:
    changed: list[Registration]
    skipped_not_registered: int = 0
    skipped_not_held: int = 0


def adjust_attendance(
    *,
    registration_ids: Iterable[int],
    mark: str | None = None,
    minutes: int | None = None,
    reason: str,
    by,
    now: dt.datetime | None = None,
) -> AdjustmentResult:
    """Staff set the attendance of one or many registrants by hand: present (the whole session), absent, or minutes.

    A reason is required; each change leaves an `AttendanceChange` row (who, when, why, the minutes before
    and after, and what the participant report said), and marks the registration so a later import keeps it.
    Only registered people of sessions already held are changed: the others are counted and left alone.
    Minutes are capped at the session's length. Raises ValidationError for a missing reason or value.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the attendance is changed: the reason is kept with the record."))
    if mark not in (PRESENT, ABSENT, None) or (mark is None) == (minutes is None):
        raise ValidationError(_("Choose present, absent, or a number of minutes."))
    if minutes is not None and minutes < 0:
        raise ValidationError(_("Minutes cannot be negative."))
    now = now or timezone.now()
    with transaction.atomic():
        registrations = list(
            Registration.objects.select_for_update(of=("self",))
            .select_related("session__series")
            .filter(pk__in=list(registration_ids))
            .order_by("pk")
        )
        changed: list[Registration] = []
        audit: list[AttendanceChange] = []
        not_registered = not_held = 0
        for registration in registrations:
            session = registration.session
            if registration.status != Registration.Status.REGISTERED:
                not_registered += 1
                continue
            if session.ends_at > now:
                not_held += 1
                continue
            if mark == PRESENT:
                value = session.duration_minutes
            elif mark == ABSENT:
                value = 0
            else:
                value = min(minutes, session.duration_minutes)
            audit.append(
                AttendanceChange(
                    registration=registration,
                    changed_by=by,
                    changed_at=now,
                    reason=reason,
                    minutes_before=registration.attended_minutes,
                    minutes_after=value,
                    imported_minutes=registration.imported_minutes,
                )
            )
            registration.attended_minutes = value
            registration.attendance_adjusted_at = now
            changed.append(registration)
        Registration.objects.bulk_update(changed, ["attended_minutes", "attendance_adjusted_at"])
        AttendanceChange.objects.bulk_create(audit)
    return AdjustmentResult(changed=changed, skipped_not_registered=not_registered, skipped_not_held=not_held)
