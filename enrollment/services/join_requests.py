"""Series that register by approval: a clinician asks to join, hub staff approve or decline, the clinician is told.

A pending request holds no seat. Approving one enrolls the person under the series lock, by the same rule as
everyone else (a place while there is one, else the series' waitlist); when the series says so, it also
registers them for every upcoming session under the locks of those sessions, taken after the series'. Approving
several at once seats them in the order they asked. Each decision claims its request with a conditional UPDATE
(`JoinRequest.leave_pending`), so two reviewers, or a reviewer and a withdrawal, never both win.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from series.models import Series
from sessions.models import Session

from .. import emails
from ..models import Enrollment, JoinRequest
from ..registration import registration_state
from . import locks
from .enrollments import take_place_locked
from .errors import EnrollmentError, ensure_open
from .seats import needs_privacy_consent, record_privacy_consent, take_seats_locked

NOTE_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 2000


@dataclass
class DecisionResult:
    """What one decision did, request by request: staff are told how many were enrolled, waitlisted, declined."""

    enrolled: list[JoinRequest] = field(default_factory=list)
    waitlisted: list[JoinRequest] = field(default_factory=list)
    declined: list[JoinRequest] = field(default_factory=list)
    already_decided: list[JoinRequest] = field(default_factory=list)
    # Requests left waiting because their series takes nobody now (closed, over), with the reason.
    not_open: list[tuple[JoinRequest, str]] = field(default_factory=list)

    def summary(self) -> list[str]:
        """What staff are told after deciding, one sentence per outcome that happened."""
        lines = []
        if self.enrolled:
            lines.append(
                ngettext(
                    "%(count)d person was enrolled and told by email.",
                    "%(count)d people were enrolled and told by email.",
                    len(self.enrolled),
                )
                % {"count": len(self.enrolled)}
            )
        if self.waitlisted:
            lines.append(
                ngettext(
                    "%(count)d person was approved onto the waitlist, as the series is full, and told by email.",
                    "%(count)d people were approved onto the waitlist, as the series is full, and told by email.",
                    len(self.waitlisted),
                )
                % {"count": len(self.waitlisted)}
            )
        if self.declined:
            lines.append(
                ngettext(
                    "%(count)d request was declined and the person told by email.",
                    "%(count)d requests were declined and each person told by email.",
                    len(self.declined),
                )
                % {"count": len(self.declined)}
            )
        if self.already_decided:
            lines.append(
                ngettext(
                    "%(count)d request had already been answered or withdrawn and was left as it is.",
                    "%(count)d requests had already been answered or withdrawn and were left as they are.",
                    len(self.already_decided),
                )
                % {"count": len(self.already_decided)}
            )
        waiting: dict[int, tuple[str, str, int]] = {}
        for join_request, reason in self.not_open:
            title, _reason, count = waiting.get(join_request.series_id, (join_request.series.title, reason, 0))
            waiting[join_request.series_id] = (title, reason, count + 1)
        for title, reason, count in waiting.values():
            lines.append(
                ngettext(
                    "%(series)s: %(reason)s %(count)d request is still waiting.",
                    "%(series)s: %(reason)s %(count)d requests are still waiting.",
                    count,
                )
                % {"series": title, "reason": reason, "count": count}
            )
        return lines

    @property
    def changed_anything(self) -> bool:
        return bool(self.enrolled or self.waitlisted or self.declined)


def ask_to_join(*, user, series: Series, note: str = "", consent: bool = False) -> JoinRequest:
    """Ask to join a series by approval, with an optional note for the reviewers.

    Asking again while the request waits returns it unchanged (a double click, a second tab); asking after a
    decline, a withdrawal or leaving the series makes the same row wait again. Consent to the privacy policy is
    asked here when the person has not given it, since an approval may register them at once.
    """
    if series.registration_mode != Series.RegistrationMode.APPROVAL:
        raise EnrollmentError(_("This series does not take requests to join."), code="not_by_approval")
    ensure_open(registration_state(series))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise EnrollmentError(
            _("Keep the note under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}, code="note_too_long"
        )
    if Enrollment.objects.filter(user=user, series=series).exclude(status=Enrollment.Status.WITHDRAWN).exists():
        raise EnrollmentError(_("You are already a member of this series."), code="already_enrolled")
    asks_consent = needs_privacy_consent(user=user)
    if asks_consent and not consent:
        raise EnrollmentError(_("Please agree to the privacy policy to ask to join."), code="consent_required")
    now = timezone.now()
    with transaction.atomic():
        join_request, created = JoinRequest.objects.get_or_create(user=user, series=series, defaults={"note": note})
        if not created and join_request.state != JoinRequest.State.PENDING:
            join_request.ask_again(note=note, now=now)
        if asks_consent:
            record_privacy_consent(user=user, now=now)
    return join_request


def withdraw_join_request(*, user, series: Series) -> bool:
    """The clinician takes back a request still waiting; False when it had been decided (or never made)."""
    join_request = JoinRequest.objects.filter(user=user, series=series).first()
    if join_request is None:
        return False
    return join_request.leave_pending(JoinRequest.State.WITHDRAWN, now=timezone.now())


def _check_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise EnrollmentError(
            _("Keep the message under %(count)d characters.") % {"count": MESSAGE_MAX_LENGTH}, code="message_too_long"
        )
    return message


def decline_join_requests(*, request_ids: Iterable[int], by, message: str = "") -> DecisionResult:
    """Decline the requests still waiting among these; each person is emailed, with the message if there is one."""
    message = _check_message(message)
    result = DecisionResult()
    now = timezone.now()
    with transaction.atomic():
        for join_request in (
            JoinRequest.objects.filter(pk__in=list(request_ids))
            .select_related("user", "series__hub")
            .order_by("requested_at", "pk")
        ):
            if join_request.leave_pending(JoinRequest.State.DECLINED, now=now, by=by, message=message):
                emails.join_request_declined(join_request=join_request)
                result.declined.append(join_request)
            else:
                result.already_decided.append(join_request)
    return result


def approve_join_requests(*, request_ids: Iterable[int], by, message: str = "") -> DecisionResult:
    """Approve the requests still waiting among these, first asked first seated; each person is emailed.

    One transaction per series, each locking its series once (then its upcoming sessions, where approval
    registers for all of them), in series order.
    """
    message = _check_message(message)
    ids = list(request_ids)
    result = DecisionResult()
    series_ids = sorted(set(JoinRequest.objects.filter(pk__in=ids).values_list("series_id", flat=True)))
    for series_id in series_ids:
        _approve_in_series(series_id=series_id, request_ids=ids, by=by, message=message, result=result)
    return result


def _approve_in_series(*, series_id: int, request_ids: list[int], by, message: str, result: DecisionResult) -> None:
    series = Series.objects.get(pk=series_id)
    availability = registration_state(series)
    now = timezone.now()
    with transaction.atomic():
        series = locks.lock_series(series_id)
        requests = list(
            JoinRequest.objects.filter(pk__in=request_ids, series=series)
            .select_related("user")
            .order_by("requested_at", "pk")
        )
        if not availability.takes_registrations:
            for join_request in requests:
                join_request.series = series
                if join_request.state == JoinRequest.State.PENDING:
                    result.not_open.append((join_request, availability.message))
                else:
                    result.already_decided.append(join_request)
            return
        sessions, taken = [], {}
        if series.approval_registers_all:
            upcoming = Session.objects.filter(series=series, status=Session.Status.SCHEDULED, starts_at__gt=now)
            sessions = locks.lock_sessions(upcoming.values_list("pk", flat=True))
            taken = locks.seats_taken(session.pk for session in sessions)
        for place, join_request in enumerate(requests):
            if not join_request.leave_pending(JoinRequest.State.APPROVED, now=now, by=by, message=message):
                result.already_decided.append(join_request)
                continue
            join_request.series = series
            # Each a microsecond after the one before: the waitlist keeps the order people asked in.
            moment = now + dt.timedelta(microseconds=place)
            enrollment = Enrollment.objects.filter(user=join_request.user, series=series).first()
            if enrollment is None or enrollment.status == Enrollment.Status.WITHDRAWN:
                enrollment = take_place_locked(user=join_request.user, series=series, enrollment=enrollment, now=moment)
            registered = []
            if enrollment.status == Enrollment.Status.ACTIVE and sessions:
                seats = take_seats_locked(user=join_request.user, sessions=sessions, taken=taken, now=moment)
                registered = [*seats.registered, *seats.waitlisted, *seats.already]
            emails.join_request_approved(join_request=join_request, enrollment=enrollment, registrations=registered)
            if enrollment.status == Enrollment.Status.WAITLISTED:
                result.waitlisted.append(join_request)
            else:
                result.enrolled.append(join_request)
