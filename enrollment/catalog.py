"""Reads for the catalog pages (home, /series/, a series): series and sessions with their registration facts.

Whether a series takes registrations counts its enrollments, so these lists live here, above
`series` and `sessions`; each comes back in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.i18n import localized
from hubs.models import Hub
from series.models import Series
from series.queries import published_series
from sessions.models import Session
from sessions.queries import public_sessions, with_schedule_facts

from .models import Enrollment, Registration
from .queries import waitlist_position
from .registration import (
    attach_series_facts,
    open_for_registration_q,
    with_registration_facts,
    with_series_registration_facts,
)


def catalog(
    *,
    hub: Hub | None = None,
    kind: str = "",
    language: str = "",
    profession: str = "",
    open_only: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Series]:
    """Published series for /series/, with hub, registration facts and schedule facts: one query."""
    now = now or timezone.now()
    queryset = with_schedule_facts(with_registration_facts(published_series().select_related("hub")), now=now)
    if hub is not None:
        queryset = queryset.filter(hub=hub)
    if kind:
        queryset = queryset.filter(kind=kind)
    if language:
        queryset = queryset.filter(language=language)
    if profession:
        # A series for everyone (no professions named) is for this profession too.
        queryset = queryset.filter(Q(audience_professions__icontains=f'"{profession}"') | Q(audience_professions=[]))
    if open_only:
        queryset = queryset.filter(open_for_registration_q(now=now))
    # Series with something coming up first, soonest first; then the rest by title.
    return queryset.order_by(
        Coalesce("next_session_starts_at", Value(dt.datetime.max.replace(tzinfo=dt.UTC))), localized("title"), "pk"
    )


def open_communities_of_practice(*, now: dt.datetime | None = None, limit: int = 12) -> list[Series]:
    """Communities of practice taking members now, for the home page."""
    now = now or timezone.now()
    queryset = with_schedule_facts(
        with_registration_facts(published_series().filter(kind=Series.Kind.COMMUNITY_OF_PRACTICE)), now=now
    ).select_related("hub")
    return list(
        queryset.filter(open_for_registration_q(now=now)).order_by("next_session_starts_at", localized("title"))[:limit]
    )


def series_for_page(*, slug: str) -> Series | None:
    """One published series with its hub and registration facts: one query. It is the same for every viewer:
    `viewer_place` says where one viewer stands in it, and `prefetch_series_page` adds its sessions and
    accreditations."""
    # The newest published later cohort, read in the same query as the series.
    newer = published_series().filter(previous_cohort=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        with_registration_facts(published_series().select_related("hub", "previous_cohort"))
        .annotate(
            newer_cohort_slug=Subquery(newer.values("slug")[:1]),
            newer_cohort_title=Subquery(newer.rewrite(False).annotate(shown=localized("title")).values("shown")[:1]),
        )
        .filter(slug=slug)
        .first()
    )


def viewer_place(*, series: Series, viewer) -> dict:
    """Where a signed-in viewer stands in a series, as `with_viewer_facts` names it: one query."""
    return with_viewer_facts(Series.objects.filter(pk=series.pk), viewer=viewer).values(
        "viewer_enrollment_status", "viewer_waitlist_position", "viewer_upcoming_count"
    )[0]


def with_viewer_facts(queryset: QuerySet[Series], *, viewer, now: dt.datetime | None = None) -> QuerySet[Series]:
    """The viewer's enrollment in each series (status, place on its waitlist) and how many of its sessions
    still to come they hold a seat in, as subqueries of the series' own query."""
    now = now or timezone.now()
    mine = (
        Enrollment.objects.filter(series=OuterRef("pk"), user=viewer)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .order_by()
    )
    upcoming = (
        Registration.objects.filter(
            user=viewer, session__series=OuterRef("pk"), session__ends_at__gt=now, status=Registration.Status.REGISTERED
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return queryset.annotate(
        viewer_enrollment_status=Subquery(mine.values("status")[:1]),
        viewer_waitlist_position=Subquery(
            mine.annotate(position=waitlist_position(Enrollment, within="series")).values("position")[:1],
            output_field=IntegerField(),
        ),
        viewer_upcoming_count=Coalesce(Subquery(upcoming, output_field=IntegerField()), Value(0)),
    )


def prefetch_series_page(series: Series) -> Series:
    """A series from `series_for_page` with its accreditations, and every session with its presenters: 3 queries."""
    prefetch_related_objects(
        [series],
        "accreditations",
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk").prefetch_related("presenters")),
    )
    return series


def upcoming_sessions(*, now: dt.datetime | None = None, language: str = "", profession: str = "") -> QuerySet[Session]:
    """Scheduled sessions not yet over, soonest first, each with its series' registration facts.

    Slice or paginate it, then pass the rows through `attach_series_facts` (one query per slice).
    """
    now = now or timezone.now()
    queryset = public_sessions().scheduled().upcoming(now=now)
    if language:
        queryset = queryset.filter(series__language=language)
    if profession:
        # A series for everyone (no professions named) is for this profession too.
        queryset = queryset.filter(
            Q(series__audience_professions__icontains=f'"{profession}"') | Q(series__audience_professions=[])
        )
    return with_series_registration_facts(
        queryset.select_related("series", "series__hub")
        .prefetch_related("series__accreditations")
        .order_by("starts_at", "pk")
    )


def by_day(sessions) -> list[tuple[dt.date, list]]:
    """Sessions grouped by their day in the viewer's time zone, in the order given."""
    sessions = attach_series_facts(sessions)
    return [
        (day, list(group))
        for day, group in itertools.groupby(sessions, key=lambda s: timezone.localtime(s.starts_at).date())
    ]
