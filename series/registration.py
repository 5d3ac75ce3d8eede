"""Whether a series takes registrations now, and how to say so: the one place that decides it.

The catalog, the home page and the enrollment pages all show the same words
("Registration open", "Registration opens on 3 March", "Full", "Registration
closed"), so they all call `registration_state`. Listing queries annotate the
facts it needs (`with_registration_facts`) so a page of fifty series costs one
query, not fifty; given a bare Series, it reads them itself.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from .models import Series

ACTIVE_ENROLLMENT = "active"  # enrollment.models.Enrollment.Status.ACTIVE (series must not import enrollment)


@dataclass(frozen=True)
class RegistrationState:
    code: str  # "open" | "not_yet_open" | "full" | "closed"
    label: str
    badge: str  # CSS modifier: badge--open, badge--soon, badge--full, badge--closed
    opens_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.code == OPEN

    def __str__(self) -> str:
        return self.label


OPEN = "open"
NOT_YET_OPEN = "not_yet_open"
FULL = "full"
CLOSED = "closed"


def _active_enrollments_subquery(ref: str):
    from django.apps import apps

    enrollment = apps.get_model("enrollment", "Enrollment")
    return Subquery(
        enrollment.objects.filter(series=OuterRef(ref), status=ACTIVE_ENROLLMENT)
        .order_by()
        .values("series")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def _last_session_end_subquery(ref: str):
    from django.apps import apps

    session = apps.get_model("echo_sessions", "Session")
    return Subquery(
        session.objects.filter(series=OuterRef(ref), status="scheduled")
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


def with_series_registration_facts(queryset: QuerySet) -> QuerySet:
    """The same facts for the series of each row of a Session queryset; `attach_series_facts` moves them over."""
    return queryset.annotate(
        series_active_enrollment_count=Coalesce(_active_enrollments_subquery("series_id"), Value(0)),
        series_last_session_ends_at=_last_session_end_subquery("series_id"),
    )


def attach_series_facts(sessions) -> list:
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
        ~Q(registration_mode=Series.RegistrationMode.CLOSED)
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


def registration_state(series: Series, *, now: dt.datetime | None = None) -> RegistrationState:
    """Closed (by mode, window or because every session is over), not yet open, full, or open."""
    from echo_portal.templatetags.echo_format import format_day_month

    now = now or timezone.now()
    active_enrollments, last_session_ends_at = _facts(series)
    closed = RegistrationState(CLOSED, gettext("Registration closed"), "closed")
    if series.registration_mode == Series.RegistrationMode.CLOSED:
        return closed
    if series.registration_closes_at and series.registration_closes_at <= now:
        return closed
    if last_session_ends_at is None or last_session_ends_at <= now:
        return closed
    if series.registration_opens_at and series.registration_opens_at > now:
        return RegistrationState(
            NOT_YET_OPEN,
            gettext("Registration opens on %(date)s") % {"date": format_day_month(series.registration_opens_at)},
            "soon",
            opens_at=series.registration_opens_at,
        )
    if series.capacity is not None and active_enrollments >= series.capacity:
        return RegistrationState(FULL, gettext("Full"), "full")
    return RegistrationState(OPEN, gettext("Registration open"), "open")
