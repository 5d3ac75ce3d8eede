"""Reads for the public catalog pages: every list comes back in a fixed number of queries."""

import datetime as dt

from django.apps import apps
from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hubs.models import Hub

from .models import Series
from .registration import open_for_registration_q, with_registration_facts

SCHEDULED = "scheduled"  # sessions.models.Session.Status.SCHEDULED (series does not import sessions)


def _session_model():
    return apps.get_model("echo_sessions", "Session")


def published_series() -> QuerySet[Series]:
    return Series.objects.filter(status=Series.Status.PUBLISHED)


def with_schedule_facts(queryset: QuerySet[Series], *, now: dt.datetime) -> QuerySet[Series]:
    """Next session start and how many sessions the series has, as subqueries."""
    sessions = _session_model().objects.filter(series=OuterRef("pk"), status=SCHEDULED).order_by()
    return queryset.annotate(
        next_session_starts_at=Subquery(
            sessions.filter(ends_at__gt=now).values("series").annotate(first=Min("starts_at")).values("first")[:1]
        ),
        session_count=Coalesce(
            Subquery(sessions.values("series").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
            Value(0),
        ),
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
        Coalesce("next_session_starts_at", Value(dt.datetime.max.replace(tzinfo=dt.UTC))), "title", "pk"
    )


def open_communities_of_practice(*, now: dt.datetime | None = None, limit: int = 12) -> list[Series]:
    """Communities of practice taking members now, for the home page."""
    now = now or timezone.now()
    queryset = with_schedule_facts(
        with_registration_facts(published_series().filter(kind=Series.Kind.COMMUNITY_OF_PRACTICE)), now=now
    ).select_related("hub")
    return list(queryset.filter(open_for_registration_q(now=now)).order_by("next_session_starts_at", "title")[:limit])


def series_for_page(*, slug: str) -> Series | None:
    """One published series with its hub, registration facts, and every session with its presenters: 3 queries."""
    session_model = _session_model()
    # The newest published later cohort, read in the same query as the series.
    newer = published_series().filter(previous_cohort=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        with_registration_facts(published_series().select_related("hub", "previous_cohort"))
        .annotate(
            newer_cohort_slug=Subquery(newer.values("slug")[:1]), newer_cohort_title=Subquery(newer.values("title")[:1])
        )
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=session_model.objects.order_by("starts_at", "pk").prefetch_related("presenters"),
            )
        )
        .filter(slug=slug)
        .first()
    )


def hubs_with_published_series() -> QuerySet[Hub]:
    """The hubs the catalog filter offers: those with something published."""
    return Hub.objects.filter(series__status=Series.Status.PUBLISHED).distinct().order_by("name")
