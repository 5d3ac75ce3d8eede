"""Seats in sessions: registering, waitlists and their promotion, cancelling, leaving a series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.user_cache import forget_user
from core import page_cache
from notifications import outbox
from series.models import Series
from sessions.models import Session

from .. import emails
from ..models import Enrollment, Registration
from ..registration import registration_state
from . import locks
from .enrollments import (
    ensure_self_service,
    join_open_locked,
    promote_enrollments_from_waitlist,
    promote_enrollments_locked,
)
from .errors import EnrollmentError, ensure_open


def needs_privacy_consent(*, user) -> bool:
    """The first registration (and the first after the policy changes) asks for consent."""
    return user.privacy_consent_version != settings.PRIVACY_POLICY_VERSION


@dataclass(frozen=True)
class RegistrationResult:
    """What one submission did: seats taken now, waitlist places taken now, and what the learner already had."""

    registered: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    already: list[Registration] = field(default_factory=list)


# `register`'s `enrollment` when the caller has not read it: the service reads it itself.
UNREAD = object()


def register(
    *, user, sessions: Iterable[Session], consent: bool, enrollment: Enrollment | None | object = UNREAD
) -> RegistrationResult:
    """Take a seat in each session picked, or a waitlist place where it is full.

    The series must be open; a series with a key needs an active enrollment first, an open
    series enrolls the learner on the way. Sessions the learner already holds are reported
    in ``already`` and left as they are. A caller that has just read the learner's enrollment in
    the (one) series picked from passes it as ``enrollment`` (None: not enrolled), so it is not read
    twice; like the service's own read, it is taken before any lock and checked again under it.
    """
    sessions = list(sessions)
    if not sessions:
        raise EnrollmentError(_("Pick at least one session."), code="no_sessions")
    now = timezone.now()
    series_by_id = {session.series_id: session.series for session in sessions}
    for series in series_by_id.values():
        ensure_open(registration_state(series, now=now))
    for session in sessions:
        if session.is_cancelled or session.starts_at <= now:
            raise EnrollmentError(
                _("“%(title)s” is no longer open for registration.") % {"title": session.title},
                code="session_unavailable",
            )
    asks_consent = needs_privacy_consent(user=user)
    if asks_consent and not consent:
        raise EnrollmentError(_("Please agree to the privacy policy to register."), code="consent_required")

    if enrollment is not UNREAD and len(series_by_id) != 1:
        raise ValueError("An enrollment read by the caller is that of the one series the sessions belong to.")
    joining = [
        series
        for series in series_by_id.values()
        if _joins_on_the_way(
            series=series,
            enrollment=(
                Enrollment.objects.filter(user=user, series=series).first() if enrollment is UNREAD else enrollment
            ),
        )
    ]

    if connection.vendor == "postgresql" and len(series_by_id) == 1:
        result = _register_at_once(user=user, sessions=sessions, joining=joining, asks_consent=asks_consent, now=now)
        if result is not None:
            return result
        asks_consent = False  # recorded by that round trip; the learner holds something in these sessions

    # One transaction: the open series joined on the way, consent, the seats and their emails commit together.
    with transaction.atomic():
        if asks_consent:
            # Before the locks: the learner's own row, which nobody in the queue behind them needs.
            record_privacy_consent(user=user, now=now)
        # From the first lock to the commit every learner picking these sessions (or joining this series) waits:
        # only the places, the seat count, the registration rows and one outbox INSERT per email (rendered at
        # delivery) happen under the locks, series first, then sessions (the package's lock order).
        for series in sorted(joining, key=lambda series: series.pk):
            if join_open_locked(user=user, series=series, now=now).status == Enrollment.Status.WAITLISTED:
                break  # the place on the series' waitlist is kept (committed), and no seat is taken
        else:
            return _take_seats(user=user, sessions=sessions, now=now)
    raise _series_waitlisted()


def _register_at_once(*, user, sessions: list[Session], joining: list[Series], asks_consent: bool, now: dt.datetime):
    """`register` in one round trip (`locks.register_at_once`): consent, the place in the open series joined on the
    way, the seats and their emails, committed together. None when the learner held something in these sessions
    (or a place in the series they are not joining on their own): then only the consent and the place were
    written, and the caller goes the way that handles those rows under the locks."""
    written = locks.register_at_once(
        user_id=user.pk,
        series_id=sessions[0].series_id,
        joining=bool(joining),
        session_ids=[session.pk for session in sessions],
        now=now,
        before=[_consent_sql(user_id=user.pk, now=now)] if asks_consent else [],
        emails=lambda relation: emails.seats_taken_sql(user=user, written=relation, at=now),
    )
    # No SQL in here: what the round trip committed, told as after any commit (each the same hook its model's save
    # signal runs), so the cache hears it in one round trip.
    with transaction.atomic(savepoint=False):
        if asks_consent:
            _consented(user=user, now=now)
        if written.place is not None or written.registrations:
            page_cache.invalidate_seat_counts()
        outbox.publish_after_commit(written.emails)
    if written.place is not None and written.place[1] == Enrollment.Status.WAITLISTED:
        raise _series_waitlisted()  # the place on the series' waitlist is kept (committed), and no seat is taken
    if not written.registrations:
        return None
    result = RegistrationResult()
    _add_written(result, written.registrations, user=user, sessions=sessions, now=now)
    return result


def _consent_sql(*, user_id: int, now: dt.datetime) -> tuple[str, list]:
    """`record_privacy_consent`'s UPDATE, for `register_at_once` to send."""
    meta, quote = get_user_model()._meta, connection.ops.quote_name
    version, moment = (quote(meta.get_field(name).column) for name in ("privacy_consent_version", "privacy_consent_at"))
    sql = f"UPDATE {quote(meta.db_table)} SET {version} = %s, {moment} = %s WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    return sql, [settings.PRIVACY_POLICY_VERSION, connection.ops.adapt_datetimefield_value(now), user_id]


def _consented(*, user, now: dt.datetime) -> None:
    """The learner's consent is written: their object says so, and their kept row is dropped on commit."""
    user.privacy_consent_version, user.privacy_consent_at = settings.PRIVACY_POLICY_VERSION, now
    forget_user(user.pk)


def record_privacy_consent(*, user, now: dt.datetime) -> None:
    """The learner agreed to the policy in force: one UPDATE of their row (what `save(update_fields=…)` writes,
    without building the save), and their kept row dropped (`forget_user`), as its save signal would have done.
    The model is the user model's, not `type(user)`: a request's user is a lazy object."""
    get_user_model().objects.filter(pk=user.pk).update(
        privacy_consent_version=settings.PRIVACY_POLICY_VERSION, privacy_consent_at=now
    )
    _consented(user=user, now=now)


def _take_seats(*, user, sessions: list[Session], now: dt.datetime) -> RegistrationResult:
    """`register`'s seats: the sessions locked and the new registrations written in one round trip
    (`locks.take_seats`); then, still under that lock, the sessions where the learner had a row already (held,
    or cancelled and picked again), and the emails that say what this submission did."""
    written = locks.take_seats(user_id=user.pk, session_ids=[session.pk for session in sessions], now=now)
    if written:
        page_cache.invalidate_seat_counts()  # what Registration's save() signal does; the rows were written in SQL
    result = RegistrationResult()
    if had_rows := [session for session in sessions if session.pk not in written]:
        locked = locks.lock_sessions(session.pk for session in had_rows)  # held already: granted at once
        result = _seat_rows_locked(
            user=user, sessions=locked, taken=locks.seats_taken(session.pk for session in locked), now=now
        )
    _add_written(result, written, user=user, sessions=sessions, now=now)
    _tell(user=user, result=result)
    return result


def _add_written(result: RegistrationResult, written: dict, *, user, sessions: list[Session], now: dt.datetime) -> None:
    """The rows written in SQL ({session id: (registration id, status)}) as seats or waitlist places of `result`, in
    the order the sessions were picked."""
    for session in sessions:
        if session.pk in written:
            registration_id, status = written[session.pk]
            registration = _written_registration(registration_id, user=user, session=session, status=status, now=now)
            (result.waitlisted if status == Registration.Status.WAITLISTED else result.registered).append(registration)


def _written_registration(pk: int, *, user, session: Session, status: str, now: dt.datetime) -> Registration:
    """The row `locks.take_seats` wrote, as a saved Registration (the values it wrote, so nothing is read back)."""
    waitlisted = status == Registration.Status.WAITLISTED
    registration = Registration(
        pk=pk,
        user=user,
        session=session,
        status=status,
        registered_at=now,
        status_changed_at=now,
        waitlisted_at=now if waitlisted else None,
    )
    registration._state.adding = False
    registration._state.db = Registration.objects.db
    return registration


def take_seats_locked(*, user, sessions: list[Session], taken: dict[int, int], now: dt.datetime) -> RegistrationResult:
    """A seat in each session, or its waitlist when full, and the emails that say so.

    The caller holds the lock on `sessions` and counted `taken` under it; `taken` is updated with the
    seats given here, so one transaction can seat several people in turn.
    """
    result = _seat_rows_locked(user=user, sessions=sessions, taken=taken, now=now)
    _tell(user=user, result=result)
    return result


def _seat_rows_locked(*, user, sessions: list[Session], taken: dict[int, int], now: dt.datetime) -> RegistrationResult:
    """`take_seats_locked`'s rows, without the emails."""
    existing = {r.session_id: r for r in Registration.objects.filter(user=user, session__in=sessions)}
    result = RegistrationResult()
    for session in sessions:
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
            registration.move_to(status, now=now)
        registration.session = session
        if full:
            result.waitlisted.append(registration)
        else:
            taken[session.pk] = taken.get(session.pk, 0) + 1
            result.registered.append(registration)
    return result


def _tell(*, user, result: RegistrationResult) -> None:
    """The emails of one submission: one for every seat taken, one for each waitlist place."""
    if result.registered:
        emails.registrations_confirmed(user=user, registrations=list(result.registered))
    for registration in result.waitlisted:
        emails.waitlist_joined(registration=registration)


def _series_waitlisted() -> EnrollmentError:
    return EnrollmentError(
        _("This series is full. You are on its waitlist and will be told by email when a place opens."),
        code="series_waitlisted",
    )


def _joins_on_the_way(*, series: Series, enrollment: Enrollment | None) -> bool:
    """Whether registering joins `series` first (an open one the learner is not in); refused when they may not
    register in it yet (a key to enter first, its waitlist, a series that decides who joins)."""
    if enrollment is not None and enrollment.status == Enrollment.Status.ACTIVE:
        return False
    if enrollment is not None and enrollment.status == Enrollment.Status.WAITLISTED:
        raise _series_waitlisted()
    if series.registration_mode == Series.RegistrationMode.KEY:
        raise EnrollmentError(_("Enter the series' enrollment key first."), code="not_enrolled")
    ensure_self_service(series)
    # An open series: registering joins it. The registration email confirms both, so no separate one.
    return True


def _promote_locked(*, session: Session, now: dt.datetime) -> list[Registration]:
    """Fill free seats of a session from its waitlist, first in line first. The caller holds the session lock."""
    if session.is_cancelled or session.starts_at <= now:
        return []
    waiting = (
        Registration.objects.filter(session=session)
        .waitlisted()
        .order_by(F("waitlisted_at").asc(nulls_last=True), "pk")
    )
    if session.capacity is not None:
        free = session.capacity - locks.seats_taken([session.pk]).get(session.pk, 0)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    for registration in promoted:
        registration.session = session
        registration.move_to(Registration.Status.REGISTERED)
        emails.promoted_from_waitlist(registration=registration)
    return promoted


def promote_from_waitlist(*, session: Session) -> list[Registration]:
    """Give free seats to the waitlist in order (after a cancellation or a capacity increase)."""
    with transaction.atomic():
        (locked,) = locks.lock_sessions([session.pk])
        return _promote_locked(session=locked, now=timezone.now())


def capacity_raised(old: int | None, new: int | None) -> bool:
    """Whether a capacity edit frees seats: a higher number, or no limit where there was one."""
    if old is None:
        return False
    return new is None or new > old


def after_capacity_change(*, old: int | None, series: Series | None = None, session: Session | None = None) -> list:
    """Staff saved a new capacity: when it frees seats, the waitlist moves up in order, emailed, in this transaction.

    Called by every form that edits a capacity (the session and series admin forms, the
    sessions inline, the list's editable column); returns those promoted.
    """
    new = (session or series).capacity
    if not capacity_raised(old, new):
        return []
    if session is not None:
        return promote_from_waitlist(session=session)
    return promote_enrollments_from_waitlist(series=series)


def move_from_waitlist(*, registration: Registration) -> Registration:
    """Staff move one person off the waitlist by hand, even past the capacity: their decision to make."""
    with transaction.atomic():
        (session,) = locks.lock_sessions([registration.session_id])
        registration = Registration.objects.select_related("user").get(pk=registration.pk)
        if registration.status != Registration.Status.WAITLISTED:
            raise EnrollmentError(_("This person is not on the waitlist."), code="not_waitlisted")
        registration.session = session
        registration.move_to(Registration.Status.REGISTERED)
        emails.promoted_from_waitlist(registration=registration)
        return registration


def cancel_registration(*, user, session: Session) -> Registration:
    """Give up a seat or a waitlist place; a freed seat goes to the first in line at once."""
    now = timezone.now()
    if session.starts_at <= now:
        raise EnrollmentError(_("This session has already started."), code="session_started")
    with transaction.atomic():
        (locked,) = locks.lock_sessions([session.pk])
        registration = Registration.objects.filter(user=user, session=locked).current().select_related("user").first()
        if registration is None:
            raise EnrollmentError(_("You are not registered for this session."), code="not_registered")
        freed_seat = registration.status == Registration.Status.REGISTERED
        registration.session = locked
        registration.move_to(Registration.Status.CANCELLED)
        if freed_seat:
            _promote_locked(session=locked, now=now)
        emails.registrations_cancelled(user=user, registrations=[registration])
        return registration


def leave_series(*, user, series: Series) -> list[Registration]:
    """Leave a series: withdraw the enrollment and give up every upcoming seat and waitlist place in it."""
    now = timezone.now()
    with transaction.atomic():
        series = locks.lock_series(series.pk)
        enrollment = Enrollment.objects.filter(user=user, series=series).first()
        upcoming = list(
            Registration.objects.filter(user=user, session__series=series, session__starts_at__gt=now)
            .current()
            .select_related("user")
        )
        enrolled = enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN
        if not enrolled and not upcoming:
            raise EnrollmentError(_("You are not enrolled in this series."), code="not_enrolled")
        sessions = {session.pk: session for session in locks.lock_sessions(r.session_id for r in upcoming)}
        for registration in upcoming:
            freed_seat = registration.status == Registration.Status.REGISTERED
            registration.session = sessions[registration.session_id]
            registration.move_to(Registration.Status.CANCELLED)
            if freed_seat:
                _promote_locked(session=registration.session, now=now)
        if enrolled:
            freed_place = enrollment.status == Enrollment.Status.ACTIVE
            enrollment.move_to(Enrollment.Status.WITHDRAWN)
            if freed_place:
                promote_enrollments_locked(series=series)
        if upcoming:
            emails.registrations_cancelled(user=user, registrations=upcoming)
        return upcoming
