"""Whether a series takes registrations now, and how to say so: the one place that decides it.

The catalog badge ("Registration open", "Registration by approval", "Registration opens on March 3",
"Full", "Registration closed"), the sentence on the enrollment pages ("Registration for this series closed
on …") and the rule the services enforce all come from `registration_state`. It counts enrollments and reads the
series' sessions, so it lives here, above both. Listing queries annotate the facts it needs
(`with_registration_facts`) so a page of fifty series costs one query, not fifty; given a bare
Series, it reads them itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from django.db import models
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import format_date, format_day_month, format_time
from series.models import Series
from sessions.models import Session

from .models import Enrollment


class RegistrationState(models.TextChoices):
    OPEN = "open", _("Registration open")
    FULL = "full", _("Full")
    NOT_YET_OPEN = "not_yet_open", _("Registration not yet open")
    CLOSED = "closed", _("Registration closed")
    WINDOW_CLOSED = "window_closed", _("Registration closed")
    FINISHED = "finished", _("Registration closed")
    NOT_PUBLISHED = "not_published", _("Not open to the public")


# CSS modifier of the badge: badge--open, badge--soon, badge--full, badge--closed.
_BADGES = {
    RegistrationState.OPEN: "open",
    RegistrationState.FULL: "full",
    RegistrationState.NOT_YET_OPEN: "soon",
}


def _moment(value: dt.datetime) -> str:
    """ "Thursday, March 10, 2022, 12:00 p.m. ET", the way the catalog writes times."""
    return f"{format_date(value)}, {format_time(value)}"


@dataclass(frozen=True)
class Availability:
    """A series' registration state, with the words the badge and the enrollment pages use for it."""

    state: RegistrationState
    series: Series

    @property
    def code(self) -> str:
        return self.state.value

    @property
    def is_open(self) -> bool:
        """A seat can be had now (the catalog's "Registration open")."""
        return self.state == RegistrationState.OPEN

    @property
    def is_full(self) -> bool:
        """Taking names for its waitlist only: say "Join the waitlist" before anyone presses "Register"."""
        return self.state == RegistrationState.FULL

    @property
    def takes_registrations(self) -> bool:
        """Enrollment and registration go through: into a seat, or onto the waitlist when full."""
        return self.state in (RegistrationState.OPEN, RegistrationState.FULL)

    @property
    def opens_at(self) -> dt.datetime | None:
        return self.series.registration_opens_at if self.state == RegistrationState.NOT_YET_OPEN else None

    @property
    def badge(self) -> str:
        return _BADGES.get(self.state, "closed")

    @property
    def label(self) -> str:
        """The badge: short, the same on every card."""
        if self.state == RegistrationState.NOT_YET_OPEN:
            return gettext("Registration opens on %(date)s") % {"date": format_day_month(self.opens_at)}
        if self.state == RegistrationState.OPEN and self.series.registration_mode == Series.RegistrationMode.APPROVAL:
            return str(Series.RegistrationMode.APPROVAL.label)
        return str(self.state.label)

    @property
    def message(self) -> str:
        """The sentence that explains the state to a learner, in their language and time zone."""
        series = self.series
        if self.state == RegistrationState.NOT_YET_OPEN:
            return gettext("Registration for this series opens on %(when)s.") % {
                "when": _moment(series.registration_opens_at)
            }
        if self.state == RegistrationState.WINDOW_CLOSED:
            return gettext("Registration for this series closed on %(when)s.") % {
                "when": _moment(series.registration_closes_at)
            }
        if self.state == RegistrationState.CLOSED:
            return gettext("This series is not taking registrations.")
        if self.state == RegistrationState.NOT_PUBLISHED:
            return gettext("This series is not open to the public.")
        if self.state == RegistrationState.FINISHED:
            return gettext("Every session of this series has taken place.")
        return gettext("Registration is open.")

    def __str__(self) -> str:
        return self.label


# The two subqueries are the same SQL on every request: built once per outer reference and reused (annotating
# resolves a copy of them, the cached one stays as built). Building them cost about 1 ms of CPU for each query that
# annotates the facts, as much as the rest of the statement.
@cache
def _active_enrollments_subquery(ref: str) -> Subquery:
    return Subquery(
        Enrollment.objects.filter(series=OuterRef(ref))
        .active()
        .order_by()
        .values("series")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


@cache
def _last_session_end_subquery(ref: str) -> Subquery:
    return Subquery(
        Session.objects.scheduled()
        .filter(series=OuterRef(ref))
        .order_by()
        .values("series")
        .annotate(last=Max("ends_at"))
        .values("last")[:1]
    )


def with_registration_facts(queryset: QuerySet[Series]) -> QuerySet[Series]:
    """Annotate what `registration_state` needs, as subqueries (joins would multiply the counts)."""
    return queryset.annotate(
        active_enrollment_count=Coalesce(_active_enrollments_subquery("pk"), Value(0)),
        last_session_ends_at=_last_session_end_subquery("pk"),
    )


def with_programme_facts(queryset: QuerySet[Series]) -> QuerySet[Series]:
    """The fact of `with_registration_facts` that moves only with the programme (the end of the series' last
    session, which a session edit changes): a row read this way may be kept per programme version, and
    `count_active_enrollments` adds the other fact when it is used."""
    return queryset.annotate(last_session_ends_at=_last_session_end_subquery("pk"))


def count_active_enrollments(series: Series) -> Series:
    """The fact of `with_registration_facts` that moves with every join, read now, on a series read with
    `with_programme_facts`: counted only where it decides something (a series with a capacity), else None (not
    counted: unlimited places are never full), which `registration_state` reads as `with_registration_facts`'
    count."""
    series.active_enrollment_count = (
        None if series.capacity is None else Enrollment.objects.filter(series_id=series.pk).active().count()
    )
    return series


def with_series_registration_facts(queryset: QuerySet[Session]) -> QuerySet[Session]:
    """The same facts for the series of each row of a Session queryset; `attach_series_facts` moves them over."""
    return queryset.annotate(
        series_active_enrollment_count=Coalesce(_active_enrollments_subquery("series_id"), Value(0)),
        series_last_session_ends_at=_last_session_end_subquery("series_id"),
    )


def attach_series_facts(sessions) -> list[Session]:
    """After `with_series_registration_facts`: let `registration_state(session.series)` run without a query."""
    sessions = list(sessions)
    for session in sessions:
        session.series.active_enrollment_count = session.series_active_enrollment_count
        session.series.last_session_ends_at = session.series_last_session_ends_at
    return sessions


def open_for_registration_q(*, now: dt.datetime | None = None) -> Q:
    """The SQL twin of `registration_state(...).is_open`, for filters; needs `with_registration_facts`."""
    now = now or timezone.now()
    return (
        Q(status=Series.Status.PUBLISHED)
        & ~Q(registration_mode=Series.RegistrationMode.CLOSED)
        & (Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
        & (Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now))
        & Q(last_session_ends_at__gt=now)
        & (Q(capacity__isnull=True) | Q(active_enrollment_count__lt=F("capacity")))
    )


def _facts(series: Series) -> tuple[int, dt.datetime | None]:
    if hasattr(series, "active_enrollment_count") and hasattr(series, "last_session_ends_at"):
        return series.active_enrollment_count or 0, series.last_session_ends_at
    annotated = with_registration_facts(Series.objects.filter(pk=series.pk)).values(
        "active_enrollment_count", "last_session_ends_at"
    )[0]
    return annotated["active_enrollment_count"] or 0, annotated["last_session_ends_at"]


def _state(series: Series, now: dt.datetime) -> RegistrationState:
    if series.status != Series.Status.PUBLISHED:
        return RegistrationState.NOT_PUBLISHED
    if series.registration_mode == Series.RegistrationMode.CLOSED:
        return RegistrationState.CLOSED
    if series.registration_closes_at and series.registration_closes_at <= now:
        return RegistrationState.WINDOW_CLOSED
    active_enrollments, last_session_ends_at = _facts(series)
    if last_session_ends_at is None or last_session_ends_at <= now:
        return RegistrationState.FINISHED
    if series.registration_opens_at and series.registration_opens_at > now:
        return RegistrationState.NOT_YET_OPEN
    if series.capacity is not None and active_enrollments >= series.capacity:
        return RegistrationState.FULL
    return RegistrationState.OPEN


def registration_state(series: Series, *, now: dt.datetime | None = None) -> Availability:
    """Not public, closed (by mode, window, or because every session is over), not yet open, full, or open."""
    return Availability(state=_state(series, now or timezone.now()), series=series)
