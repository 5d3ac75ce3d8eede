"""Reads for the session pages and the home page's upcoming list: fixed query counts."""

import datetime as dt
import itertools

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from series.models import Series
from series.registration import attach_series_facts, with_series_registration_facts

from .models import Resource, Session

REGISTERED = "registered"  # enrollment.models.Registration.Status.REGISTERED (sessions does not import enrollment)


def public_sessions() -> QuerySet[Session]:
    return Session.objects.filter(series__status=Series.Status.PUBLISHED)


def upcoming_sessions(*, now: dt.datetime | None = None, limit: int = 40) -> list[Session]:
    """Scheduled sessions not yet over, soonest first, each with its series' registration facts: one query."""
    now = now or timezone.now()
    queryset = with_series_registration_facts(
        public_sessions()
        .filter(status=Session.Status.SCHEDULED, ends_at__gt=now)
        .select_related("series", "series__hub")
        .order_by("starts_at", "pk")
    )
    return attach_series_facts(queryset[:limit])


def upcoming_sessions_by_day(*, now: dt.datetime | None = None, limit: int = 40) -> list[tuple[dt.date, list]]:
    """The upcoming sessions grouped by their day in the viewer's time zone."""
    sessions = upcoming_sessions(now=now, limit=limit)
    return [
        (day, list(group))
        for day, group in itertools.groupby(sessions, key=lambda s: timezone.localtime(s.starts_at).date())
    ]


def published_resources() -> QuerySet[Resource]:
    return Resource.objects.filter(published_at__isnull=False).order_by("kind", "pk")


def session_for_page(*, pk: int) -> Session | None:
    """One session of a published series with its series, hub, presenters and published materials: 3 queries."""
    return (
        public_sessions()
        .select_related("series", "series__hub")
        .prefetch_related("presenters", Prefetch("resources", queryset=published_resources()))
        .filter(pk=pk)
        .first()
    )


def viewer_is_registrant(*, session: Session, user) -> bool:
    """Whether registrants-only materials may be shown to this viewer: one query when signed in, none otherwise."""
    if not user.is_authenticated:
        return False
    return session.registrations.filter(user=user, status=REGISTERED).exists()


def past_sessions(*, now: dt.datetime | None = None, text: str = "", series: Series | None = None, language: str = ""):
    """Held sessions, newest first, with their series and public materials (paginate, then 1 prefetch query)."""
    now = now or timezone.now()
    queryset = (
        public_sessions()
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
        queryset = queryset.filter(Q(title__icontains=text) | Q(series__title__icontains=text))
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
        .distinct()
        .order_by("title")
    )
