"""Enrollment and registration rules: the one place views, admin actions and tasks change seats.

Locking contract (after pretix's quota locking):

* Capacity is checked only inside ``transaction.atomic()``, after ``SELECT … FOR UPDATE``
  on the scarce row: the series row for enrollments, the session rows for registrations.
  A count read before the lock is never trusted.
* Each transaction locks once, as late as possible but before the availability check:
  all the rows it needs in a single statement, in primary-key order, so two
  transactions never wait on each other in opposite orders. Where a transaction needs
  both kinds (leaving a series), it locks the series first, then its sessions; every
  function here keeps that order.
* The unique constraints on (user, series) and (user, session) are the last guard:
  under the lock, an existing row is reused, so a double click, a second tab or the
  back button leaves the same rows and gives the same result.

Every email is written to the outbox by ``enrollment.emails`` inside the same
transaction as the change that causes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from echo_portal.templatetags.echo_format import format_date, format_time
from series import registration as series_registration
from series.models import Series
from sessions.models import Session

from . import emails
from .models import Enrollment, EnrollmentKey, Registration, normalize_key


class EnrollmentError(Exception):
    """A rule said no. ``message`` is written for the learner; ``code`` is for code and tests."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidKey(EnrollmentError):
    """No active key matches what was typed: counts as a wrong guess for rate limiting."""


# Registration states of a series, as the enrollment rules need them. Whether registration is open is
# decided by series.registration (the catalog shows the same decision); these add why not.
OPEN = "open"
NOT_PUBLISHED = "not_published"
CLOSED = "closed"
NOT_YET_OPEN = "not_yet_open"
WINDOW_CLOSED = "window_closed"
FINISHED = "finished"


def registration_state(*, series: Series, now: dt.datetime | None = None) -> str:
    """Whether a series takes enrollments and registrations right now, and if not, why not.

    A full series is open here: a learner can still join its waitlist.
    """
    now = now or timezone.now()
    if series.status != Series.Status.PUBLISHED:
        return NOT_PUBLISHED
    shared = series_registration.registration_state(series, now=now)
    if shared.code in (series_registration.OPEN, series_registration.FULL):
        return OPEN
    if shared.code == series_registration.NOT_YET_OPEN:
        return NOT_YET_OPEN
    if series.registration_mode == Series.RegistrationMode.CLOSED:
        return CLOSED
    if series.registration_closes_at and series.registration_closes_at <= now:
        return WINDOW_CLOSED
    return FINISHED


def _moment(value: dt.datetime) -> str:
    """ "Thursday, March 10, 2022, 12:00 p.m. ET", the way the catalog writes times."""
    return f"{format_date(value)}, {format_time(value)}"


def registration_state_message(*, series: Series, state: str) -> str:
    """The sentence that explains a state to a learner, in their language and time zone."""
    if state == NOT_YET_OPEN:
        opens = _moment(series.registration_opens_at)
        return _("Registration for this series opens on %(when)s.") % {"when": opens}
    if state == WINDOW_CLOSED:
        closed = _moment(series.registration_closes_at)
        return _("Registration for this series closed on %(when)s.") % {"when": closed}
    if state == CLOSED:
        return _("This series is not taking registrations.")
    if state == NOT_PUBLISHED:
        return _("This series is not open to the public.")
    if state == FINISHED:
        return _("Every session of this series has taken place.")
    return _("Registration is open.")


def _ensure_open(*, series: Series, now: dt.datetime) -> None:
    state = registration_state(series=series, now=now)
    if state != OPEN:
        raise EnrollmentError(registration_state_message(series=series, state=state), code=state)


def needs_privacy_consent(*, user) -> bool:
    """The first registration (and the first after the policy changes) asks for consent."""
    return user.privacy_consent_version != settings.PRIVACY_POLICY_VERSION


# The locks. Tests of the race replace these to prove the lock is what prevents overbooking.


def _lock_series(series_id: int) -> Series:
    return Series.objects.select_for_update().get(pk=series_id)


def _lock_sessions(session_ids: Iterable[int]) -> list[Session]:
    return list(Session.objects.select_for_update().filter(pk__in=set(session_ids)).order_by("pk"))


# Availability counts: read only while holding the lock on the row they count for.


def _active_enrollments(series_id: int) -> int:
    return Enrollment.objects.filter(series_id=series_id, status=Enrollment.Status.ACTIVE).count()


def _seats_taken(session_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Registration.objects.filter(session_id__in=set(session_ids), status=Registration.Status.REGISTERED)
        .values("session_id")
        .annotate(taken=Count("pk"))
        .order_by()
    )
    return {row["session_id"]: row["taken"] for row in rows}


# Enrollment keys


def find_active_key(*, code: str, series: Series | None = None) -> EnrollmentKey | None:
    """The active key matching what was typed (trimmed, any case); active keys are unique across series."""
    normalized = normalize_key(code)
    if not normalized:
        return None
    keys = EnrollmentKey.objects.alias(code_upper=Upper("code")).filter(code_upper=normalized, is_active=True)
    if series is not None:
        keys = keys.filter(series=series)
    return keys.select_related("series").first()


def _check_key_window(*, key: EnrollmentKey, now: dt.datetime) -> None:
    if key.valid_from and now < key.valid_from:
        when = _moment(key.valid_from)
        raise EnrollmentError(_("This key can be used from %(when)s.") % {"when": when}, code="key_not_yet_valid")
    if key.valid_until and now >= key.valid_until:
        raise EnrollmentError(_("This key has expired."), code="key_expired")
    if key.max_uses is not None and key.uses_count >= key.max_uses:
        raise EnrollmentError(_("This key has been used as many times as it allows."), code="key_used_up")


def _consume_key(*, key: EnrollmentKey) -> None:
    """One more use, counted by the database: a conditional UPDATE never goes past max_uses."""
    claimed = (
        EnrollmentKey.objects.filter(pk=key.pk, is_active=True)
        .filter(Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")))
        .update(uses_count=F("uses_count") + 1)
    )
    if claimed != 1:
        raise EnrollmentError(_("This key has been used as many times as it allows."), code="key_used_up")


def _invalid_key() -> InvalidKey:
    return InvalidKey(
        _("This key does not match. Check it and type it again, or ask whoever gave it to you."),
        code="invalid_key",
    )


# Enrollment


def enroll(*, user, series: Series, key: str | None) -> Enrollment:
    """Join a series: with a key where the series needs one. Full series put the learner on its waitlist.

    Enrolling again while enrolled or waitlisted returns the same row and uses the key no further.
    """
    return _enroll(user=user, series=series, key=key, notify=True)


def enroll_by_key(*, user, key: str) -> Enrollment:
    """Join the series an active key belongs to, without finding the series first."""
    found = find_active_key(code=key)
    if found is None:
        raise _invalid_key()
    return _enroll(user=user, series=found.series, key=key, notify=True)


def _enroll(*, user, series: Series, key: str | None, notify: bool) -> Enrollment:
    now = timezone.now()
    _ensure_open(series=series, now=now)
    key_used = None
    if normalize_key(key or ""):
        key_used = find_active_key(code=key, series=series)
        if key_used is None and series.registration_mode == Series.RegistrationMode.KEY:
            raise _invalid_key()
    elif series.registration_mode == Series.RegistrationMode.KEY:
        raise EnrollmentError(_("Enter the enrollment key."), code="key_required")

    with transaction.atomic():
        series = _lock_series(series.pk)
        enrollment = Enrollment.objects.filter(user=user, series=series).first()
        if enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN:
            return enrollment
        if key_used is not None:
            _check_key_window(key=key_used, now=now)
            _consume_key(key=key_used)
        full = series.capacity is not None and _active_enrollments(series.pk) >= series.capacity
        status = Enrollment.Status.WAITLISTED if full else Enrollment.Status.ACTIVE
        if enrollment is None:
            enrollment = Enrollment.objects.create(
                user=user, series=series, key=key_used, status=status, waitlisted_at=now if full else None
            )
        else:
            enrollment.status = status
            enrollment.key = key_used or enrollment.key
            enrollment.waitlisted_at = now if full else None
            enrollment.save(update_fields=["status", "key", "waitlisted_at", "updated_at"])
        if notify and status == Enrollment.Status.ACTIVE:
            emails.enrollment_confirmed(enrollment=enrollment)
        return enrollment


def _promote_enrollments_locked(*, series: Series) -> list[Enrollment]:
    """Fill free places of a series from its waitlist, first in line first. The caller holds the series lock."""
    waiting = Enrollment.objects.filter(series=series, status=Enrollment.Status.WAITLISTED).order_by(
        F("waitlisted_at").asc(nulls_last=True), "pk"
    )
    if series.capacity is not None:
        free = series.capacity - _active_enrollments(series.pk)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user", "series"))
    for enrollment in promoted:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.waitlisted_at = None
        enrollment.save(update_fields=["status", "waitlisted_at", "updated_at"])
        emails.enrollment_confirmed(enrollment=enrollment)
    return promoted


def promote_enrollments_from_waitlist(*, series: Series) -> list[Enrollment]:
    """Give free places of a series to its waitlist in order (after staff raise its capacity)."""
    with transaction.atomic():
        return _promote_enrollments_locked(series=_lock_series(series.pk))


# Registration


@dataclass(frozen=True)
class RegistrationResult:
    """What one submission did: seats taken now, waitlist places taken now, and what the learner already had."""

    registered: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    already: list[Registration] = field(default_factory=list)


def register(*, user, sessions: Iterable[Session], consent: bool) -> RegistrationResult:
    """Take a seat in each session picked, or a waitlist place where it is full.

    The series must be open; a series with a key needs an active enrollment first, an open
    series enrolls the learner on the way. Sessions the learner already holds are reported
    in ``already`` and left as they are.
    """
    sessions = list(sessions)
    if not sessions:
        raise EnrollmentError(_("Pick at least one session."), code="no_sessions")
    now = timezone.now()
    series_by_id = {session.series_id: session.series for session in sessions}
    for series in series_by_id.values():
        _ensure_open(series=series, now=now)
    for session in sessions:
        if session.is_cancelled or session.starts_at <= now:
            raise EnrollmentError(
                _("“%(title)s” is no longer open for registration.") % {"title": session.title},
                code="session_unavailable",
            )
    asks_consent = needs_privacy_consent(user=user)
    if asks_consent and not consent:
        raise EnrollmentError(_("Please agree to the privacy policy to register."), code="consent_required")

    for series in series_by_id.values():
        _require_enrollment(user=user, series=series)

    with transaction.atomic():
        locked = _lock_sessions(session.pk for session in sessions)
        taken = _seats_taken(session.pk for session in locked)
        existing = {r.session_id: r for r in Registration.objects.filter(user=user, session__in=locked)}
        result = RegistrationResult()
        for session in locked:
            registration = existing.get(session.pk)
            if registration is not None and registration.status != Registration.Status.CANCELLED:
                registration.session = session
                result.already.append(registration)
                continue
            full = session.capacity is not None and taken.get(session.pk, 0) >= session.capacity
            status = Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED
            if registration is None:
                registration = Registration.objects.create(
                    user=user, session=session, status=status, waitlisted_at=now if full else None
                )
            else:
                registration.status = status
                registration.waitlisted_at = now if full else None
                registration.save(update_fields=["status", "waitlisted_at", "status_changed_at"])
            registration.session = session
            if full:
                result.waitlisted.append(registration)
            else:
                taken[session.pk] = taken.get(session.pk, 0) + 1
                result.registered.append(registration)
        if asks_consent:
            user.privacy_consent_version = settings.PRIVACY_POLICY_VERSION
            user.privacy_consent_at = now
            user.save(update_fields=["privacy_consent_version", "privacy_consent_at"])
        if result.registered:
            emails.registrations_confirmed(user=user, registrations=list(result.registered))
        for registration in result.waitlisted:
            emails.waitlist_joined(registration=registration)
        return result


def _require_enrollment(*, user, series: Series) -> None:
    enrollment = Enrollment.objects.filter(user=user, series=series).first()
    active = enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE
    if active:
        return
    if enrollment is not None and enrollment.status == Enrollment.Status.WAITLISTED:
        raise EnrollmentError(
            _("This series is full. You are on its waitlist and will be told by email when a place opens."),
            code="series_waitlisted",
        )
    if series.registration_mode == Series.RegistrationMode.KEY:
        raise EnrollmentError(_("Enter the series' enrollment key first."), code="not_enrolled")
    # An open series: registering joins it. The registration email confirms both, so no separate one.
    enrollment = _enroll(user=user, series=series, key=None, notify=False)
    if enrollment.status == Enrollment.Status.WAITLISTED:
        raise EnrollmentError(
            _("This series is full. You are on its waitlist and will be told by email when a place opens."),
            code="series_waitlisted",
        )


def _promote_locked(*, session: Session, now: dt.datetime) -> list[Registration]:
    """Fill free seats of a session from its waitlist, first in line first. The caller holds the session lock."""
    if session.is_cancelled or session.starts_at <= now:
        return []
    waiting = Registration.objects.filter(session=session, status=Registration.Status.WAITLISTED).order_by(
        F("waitlisted_at").asc(nulls_last=True), "pk"
    )
    if session.capacity is not None:
        free = session.capacity - _seats_taken([session.pk]).get(session.pk, 0)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.waitlisted_at = None
        registration.session = session
        registration.save(update_fields=["status", "waitlisted_at", "status_changed_at"])
        emails.promoted_from_waitlist(registration=registration)
    return promoted


def promote_from_waitlist(*, session: Session) -> list[Registration]:
    """Give free seats to the waitlist in order (after a cancellation or a capacity increase)."""
    with transaction.atomic():
        (locked,) = _lock_sessions([session.pk])
        return _promote_locked(session=locked, now=timezone.now())


def move_from_waitlist(*, registration: Registration) -> Registration:
    """Staff move one person off the waitlist by hand, even past the capacity: their decision to make."""
    with transaction.atomic():
        (session,) = _lock_sessions([registration.session_id])
        registration = Registration.objects.select_related("user").get(pk=registration.pk)
        if registration.status != Registration.Status.WAITLISTED:
            raise EnrollmentError(_("This person is not on the waitlist."), code="not_waitlisted")
        registration.status = Registration.Status.REGISTERED
        registration.waitlisted_at = None
        registration.session = session
        registration.save(update_fields=["status", "waitlisted_at", "status_changed_at"])
        emails.promoted_from_waitlist(registration=registration)
        return registration


def cancel_registration(*, user, session: Session) -> Registration:
    """Give up a seat or a waitlist place; a freed seat goes to the first in line at once."""
    now = timezone.now()
    if session.starts_at <= now:
        raise EnrollmentError(_("This session has already started."), code="session_started")
    with transaction.atomic():
        (locked,) = _lock_sessions([session.pk])
        registration = (
            Registration.objects.filter(user=user, session=locked)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("user")
            .first()
        )
        if registration is None:
            raise EnrollmentError(_("You are not registered for this session."), code="not_registered")
        freed_seat = registration.status == Registration.Status.REGISTERED
        registration.status = Registration.Status.CANCELLED
        registration.waitlisted_at = None
        registration.session = locked
        registration.save(update_fields=["status", "waitlisted_at", "status_changed_at"])
        if freed_seat:
            _promote_locked(session=locked, now=now)
        emails.registrations_cancelled(user=user, registrations=[registration])
        return registration


def leave_series(*, user, series: Series) -> list[Registration]:
    """Leave a series: withdraw the enrollment and give up every upcoming seat and waitlist place in it."""
    now = timezone.now()
    with transaction.atomic():
        series = _lock_series(series.pk)
        enrollment = Enrollment.objects.filter(user=user, series=series).first()
        upcoming = list(
            Registration.objects.filter(user=user, session__series=series, session__starts_at__gt=now)
            .exclude(status=Registration.Status.CANCELLED)
            .select_related("user")
        )
        enrolled = enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN
        if not enrolled and not upcoming:
            raise EnrollmentError(_("You are not enrolled in this series."), code="not_enrolled")
        sessions = {session.pk: session for session in _lock_sessions(r.session_id for r in upcoming)}
        for registration in upcoming:
            freed_seat = registration.status == Registration.Status.REGISTERED
            registration.status = Registration.Status.CANCELLED
            registration.waitlisted_at = None
            registration.session = sessions[registration.session_id]
            registration.save(update_fields=["status", "waitlisted_at", "status_changed_at"])
            if freed_seat:
                _promote_locked(session=registration.session, now=now)
        if enrolled:
            freed_place = enrollment.status == Enrollment.Status.ACTIVE
            enrollment.status = Enrollment.Status.WITHDRAWN
            enrollment.waitlisted_at = None
            enrollment.save(update_fields=["status", "waitlisted_at", "updated_at"])
            if freed_place:
                _promote_enrollments_locked(series=series)
        if upcoming:
            emails.registrations_cancelled(user=user, registrations=upcoming)
        return upcoming


# Attendance


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
