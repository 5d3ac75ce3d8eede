"""Reads for the session pages, the archive and the facts series cards show about their sessions: fixed query counts."""

import datetime as dt

from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.i18n import contains_in_any_language, localized
from series.models import Series

from .models import Resource, Session


def public_sessions() -> QuerySet[Session]:
    return Session.objects.of_published_series()


def listed_sessions() -> QuerySet[Session]:
    """Sessions the public archive shows: never those of a series by invitation only,
    whose invited people find them in their catalog and My learning."""
    return public_sessions().exclude(series__registration_mode=Series.RegistrationMode.INVITATION)


def published_resources() -> QuerySet[Resource]:
    return Resource.objects.filter(published_at__isnull=False).order_by("kind", "pk")


def session_for_page(*, pk: int) -> Session | None:
    """One session of a published series with its series, hub, accreditations, presenters and materials: 4 queries."""
    return (
        public_sessions()
        .select_related("series", "series__hub")
        .prefetch_related("presenters", "series__accreditations", Prefetch("resources", queryset=published_resources()))
        .filter(pk=pk)
        .first()
    )


def resource_for_download(*, pk: int) -> Resource | None:
    """A stored file with its session and series (whose hub and state decide who may download it): 1 query."""
    return Resource.objects.exclude(file="").select_related("session__series").filter(pk=pk).first()


def past_sessions(*, now: dt.datetime | None = None, text: str = "", series: Series | None = None, language: str = ""):
    """Held sessions, newest first, with their series and public materials (paginate, then 1 prefetch query)."""
    now = now or timezone.now()
    queryset = (
        listed_sessions()
        .filter(status=Session.Status.SCHEDULED, ends_at__lte=now)
        .select_related("series")
        .prefetch_related(
            Prefetch(
                "resources",
                queryset=published_resources().filter(visibility=Resource.Visibility.PUBLIC),
                to_attr="public_resources",
            )
        )
        .order_by("-starts_at", "-pk")
    )
    if text:
        queryset = queryset.filter(
            contains_in_any_language("title", text) | contains_in_any_language("title", text, through="series")
        )
    if series is not None:
        queryset = queryset.filter(series=series)
    if language:
        queryset = queryset.filter(series__language=language)
    return queryset


def series_with_past_sessions(*, now: dt.datetime | None = None) -> QuerySet[Series]:
    now = now or timezone.now()
    return (
        Series.objects.filter(
            status=Series.Status.PUBLISHED, sessions__ends_at__lte=now, sessions__status=Session.Status.SCHEDULED
        )
        .exclude(registration_mode=Series.RegistrationMode.INVITATION)
        .distinct()
        .order_by(localized("title"), "pk")
    )


def with_schedule_facts(queryset: QuerySet[Series], *, now: dt.datetime) -> QuerySet[Series]:
    """Next session start and how many sessions the series has, as subqueries."""
    sessions = Session.objects.scheduled().filter(series=OuterRef("pk")).order_by()
    return queryset.annotate(
        next_session_starts_at=Subquery(
            sessions.filter(ends_at__gt=now).values("series").annotate(first=Min("starts_at")).values("first")[:1]
        ),
        session_count=Coalesce(
            Subquery(sessions.values("series").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
            Value(0),
        ),
    )


def upcoming_for_hub(*, hub, limit: int = 10) -> list[Session]:
    """The hub's own next sessions (series whose hub is this hub), soonest first."""
    return list(
        public_sessions()
        .scheduled()
        .filter(series__hub=hub, starts_at__gte=timezone.now())
        .select_related("series")
        .order_by("starts_at", "pk")[:limit]
    )
