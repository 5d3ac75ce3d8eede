"""Joining a series (a community of practice): with a key where it needs one, onto its waitlist when full."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import page_cache
from series.models import Series

from .. import emails
from ..models import Enrollment, normalize_key
from ..registration import registration_state
from . import keys, locks
from .errors import EnrollmentError, ensure_open


def enroll(*, user, series: Series, key: str | None) -> Enrollment:
    """Join a series: with a key where the series needs one. Full series put the learner on its waitlist.

    Enrolling again while enrolled or waitlisted returns the same row and uses the key no further.
    """
    return enroll_locked(user=user, series=series, key=key, notify=True)


def enroll_by_key(*, user, key: str) -> Enrollment:
    """Join the series an active key belongs to, without finding the series first."""
    found = keys.find_active_key(code=key)
    # A draft's key answers exactly as a wrong one (and counts as one): nothing tells a draft exists.
    if found is None or found.series.status == Series.Status.DRAFT:
        raise keys.invalid_key()
    return enroll_locked(user=user, series=found.series, key=key, notify=True)


def enroll_locked(*, user, series: Series, key: str | None, notify: bool, admitted: bool = False) -> Enrollment:
    """Enroll under the series lock; `notify=False` when the caller's own email confirms the enrollment too.

    A series by approval or by invitation only takes nobody on their own word: `admitted=True` says the caller
    is the approval of a request or the acceptance of an invitation.
    """
    now = timezone.now()
    if not admitted:
        ensure_self_service(series)
    ensure_open(registration_state(series, now=now))
    key_used = None
    if normalize_key(key or ""):
        key_used = keys.find_active_key(code=key, series=series)
        if key_used is None and series.registration_mode == Series.RegistrationMode.KEY:
            raise keys.invalid_key()
    elif series.registration_mode == Series.RegistrationMode.KEY:
        raise EnrollmentError(_("Enter the enrollment key."), code="key_required")

    with transaction.atomic():
        return join_locked(user=user, series=series, key_used=key_used, notify=notify, now=now)


def join_locked(*, user, series: Series, key_used=None, notify: bool, now: dt.datetime) -> Enrollment:
    """Lock the series and take a place in it (or its waitlist), in the caller's transaction, which holds the lock
    until it commits; the caller has checked the series takes this person (and their key, `key_used`).

    Already in (or waiting for) the series: that enrollment, unchanged, and the key is used no further.
    """
    series = locks.lock_series(series.pk)
    enrollment = Enrollment.objects.filter(user=user, series=series).first()
    if enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN:
        return enrollment
    if key_used is not None:
        keys.check_window(key=key_used, now=now)
        keys.consume(key=key_used)
    enrollment = take_place_locked(user=user, series=series, enrollment=enrollment, key=key_used, now=now)
    if notify and enrollment.status == Enrollment.Status.ACTIVE:
        emails.enrollment_confirmed(enrollment=enrollment)
    return enrollment


def join_open_locked(*, user, series: Series, now: dt.datetime) -> Enrollment:
    """`join_locked` for registering in an open series, which joins it on the way (no key, no email of its own):
    the series locked and, where the learner has no row in it, their place written in the same round trip
    (`locks.join_series`), so the series lock every learner of a burst queues on is held for one round trip
    less and no Python runs under it before the seats are taken. A learner with a row (withdrawn, or joined
    meanwhile by another tab) goes the `join_locked` way under the lock this took."""
    written = locks.join_series(user_id=user.pk, series_id=series.pk, now=now)
    if written is None:
        return join_locked(user=user, series=series, notify=False, now=now)  # the lock is held: granted at once
    page_cache.invalidate_seat_counts()  # what Enrollment's save() signal does; the row was written in SQL
    enrollment_id, status = written
    enrollment = Enrollment(
        pk=enrollment_id,
        user=user,
        series=series,
        key=None,
        status=status,
        enrolled_at=now,
        waitlisted_at=now if status == Enrollment.Status.WAITLISTED else None,
        updated_at=now,
    )
    enrollment._state.adding = False
    enrollment._state.db = Enrollment.objects.db
    return enrollment


def take_place_locked(*, user, series: Series, enrollment: Enrollment | None, key=None, now: dt.datetime) -> Enrollment:
    """A place in the series, or its waitlist when full; `enrollment` is the person's row if any (withdrawn).

    The caller holds the series lock, and has checked the person is not already in (or waiting for) the series.
    """
    full = series.capacity is not None and locks.active_enrollments(series.pk) >= series.capacity
    status = Enrollment.Status.WAITLISTED if full else Enrollment.Status.ACTIVE
    if enrollment is None:
        return Enrollment.objects.create(
            user=user, series=series, key=key, status=status, waitlisted_at=now if full else None
        )
    enrollment.key = key or enrollment.key
    enrollment.move_to(status, now=now, also=("key",))
    return enrollment


def ensure_self_service(series: Series) -> None:
    """Refuse joining a series that decides who joins: by approval (ask first) or by invitation only."""
    if series.registration_mode == Series.RegistrationMode.APPROVAL:
        raise EnrollmentError(
            _("This series registers by approval: ask to join, and you will be told by email."),
            code="needs_approval",
        )
    if series.registration_mode == Series.RegistrationMode.INVITATION:
        raise EnrollmentError(
            _("This series is by invitation only: follow the link in your invitation email."),
            code="invitation_only",
        )


def promote_enrollments_locked(*, series: Series) -> list[Enrollment]:
    """Fill free places of a series from its waitlist, first in line first. The caller holds the series lock."""
    waiting = (
        Enrollment.objects.filter(series=series)
        .filter(status=Enrollment.Status.WAITLISTED)
        .order_by(F("waitlisted_at").asc(nulls_last=True), "pk")
    )
    if series.capacity is not None:
        free = series.capacity - locks.active_enrollments(series.pk)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user", "series"))
    for enrollment in promoted:
        enrollment.move_to(Enrollment.Status.ACTIVE)
        emails.enrollment_confirmed(enrollment=enrollment)
    return promoted


def promote_enrollments_from_waitlist(*, series: Series) -> list[Enrollment]:
    """Give free places of a series to its waitlist in order (after staff raise its capacity)."""
    with transaction.atomic():
        return promote_enrollments_locked(series=locks.lock_series(series.pk))
