"""Reads for the enrollment pages: what a learner holds, seats left, My learning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.i18n import field_in, localized
from series.models import Series
from sessions.models import Resource, Session

from .credits import SeriesCredits, series_credits
from .models import Enrollment, Registration


def upcoming_sessions_with_seats(*, series: Series, now: dt.datetime | None = None) -> list[Session]:
    """The sessions one can still pick, each with `seats_taken` and `seats_left` (None when unlimited)."""
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(series=series, status=Session.Status.SCHEDULED, starts_at__gt=now)
        .annotate(seats_taken=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)))
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.series = series
        session.seats_left = None if session.capacity is None else max(0, session.capacity - session.seats_taken)
    return sessions


def pickable_sessions(*, series: Series, now: dt.datetime | None = None) -> list[Session]:
    """The sessions one can still pick, as `upcoming_sessions_with_seats` without counting seats: what a submitted
    pick is checked against (the seats are counted under the lock, by `services.register`)."""
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(series=series, status=Session.Status.SCHEDULED, starts_at__gt=now).order_by(
            "starts_at", "pk"
        )
    )
    for session in sessions:
        session.series = series
    return sessions


def registrations_in_series(*, user, series: Series) -> dict[int, Registration]:
    """The learner's current (not cancelled) registrations in a series, by session id."""
    registrations = Registration.objects.filter(user=user, session__series=series).exclude(
        status=Registration.Status.CANCELLED
    )
    return {registration.session_id: registration for registration in registrations}


def enrollment_for(*, user, series: Series) -> Enrollment | None:
    return Enrollment.objects.filter(user=user, series=series).first()


def waitlist_position(model, *, within: str) -> Subquery:
    """1 for the first in line: waitlisted rows of the same session (or series) that joined earlier, plus this one.

    The one definition of a place in line, for registrations (`within="session"`) and enrollments
    (`within="series"`); it counts in the order promotion takes (waitlisted_at, then id).
    """
    ahead = (
        model.objects.filter(**{within: OuterRef(within)}, status=model.Status.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values(within)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Subquery(ahead, output_field=IntegerField())


def enrollment_waitlist_position(*, enrollment: Enrollment) -> int | None:
    """Where a waitlisted enrollment stands in line (1 is next); None when it is not waiting."""
    if enrollment.status != Enrollment.Status.WAITLISTED:
        return None
    return (
        Enrollment.objects.filter(pk=enrollment.pk)
        .annotate(position=waitlist_position(Enrollment, within="series"))
        .values_list("position", flat=True)
        .first()
    )


def with_waitlist_positions(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Each registration with `waitlist_position` (None unless it is waiting)."""
    return registrations.annotate(waitlist_position=waitlist_position(Registration, within="session"))


@dataclass
class MyLearning:
    upcoming: list[Registration] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    past: list[Registration] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    credits: list[SeriesCredits] = field(default_factory=list)


def my_learning(*, user, now: dt.datetime | None = None) -> MyLearning:
    """Everything My learning shows, in five queries (registrations with their series, their resources, the
    series' accreditations, enrollments)."""
    now = now or timezone.now()
    visible_resources = Resource.objects.filter(published_at__isnull=False, published_at__lte=now).order_by(
        "kind", "pk"
    )
    registrations = (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("session__series")
        .annotate(waitlist_position=waitlist_position(Registration, within="session"))
        .prefetch_related(
            Prefetch("session__resources", queryset=visible_resources, to_attr="visible_resources"),
            "session__series__accreditations",
        )
        .order_by("session__starts_at", "pk")
    )
    result = MyLearning()
    attended_by_series: dict[int, list[Registration]] = {}
    series_by_id: dict[int, Series] = {}
    for registration in registrations:
        session = registration.session
        if registration.status == Registration.Status.WAITLISTED:
            if session.ends_at > now:
                result.waitlisted.append(registration)
        elif session.ends_at > now:
            result.upcoming.append(registration)
        else:
            result.past.append(registration)
            if registration.attended_minutes:
                series_by_id[session.series_id] = session.series
                attended_by_series.setdefault(session.series_id, []).append(registration)
    result.past.reverse()
    result.enrollments = list(
        Enrollment.objects.filter(user=user)
        .exclude(status=Enrollment.Status.WITHDRAWN)
        .select_related("series")
        .annotate(waitlist_position=Coalesce(waitlist_position(Enrollment, within="series"), 0))
        .order_by(localized("title", through="series"))
    )
    result.credits = [
        series_credits(series=series, registrations=attended_by_series[series_id])
        for series_id, series in sorted(series_by_id.items(), key=lambda item: item[1].title)
    ]
    return result


def _next_session_fields() -> list[str]:
    """What the home page shows of a next session; modeltranslation does not widen `only()` across a relation,
    so the title is named in every language."""
    titles = [field_in("title", code) for code, _label in settings.LANGUAGES]
    return [f"session__{name}" for name in ("id", "series_id", "title", *titles, "starts_at", "ends_at", "status")]


def next_registrations(*, user, now: dt.datetime | None = None, limit: int = 3) -> list[Registration]:
    """The learner's next sessions (seat held, not over, not cancelled), soonest first, with what the home page
    shows of each (title in both languages, times): one query, read on every visit to the home page."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(user=user, session__ends_at__gt=now, session__status=Session.Status.SCHEDULED)
        .registered()
        .select_related("session")
        .only("pk", "session_id", "status", *_next_session_fields())
        .order_by("session__starts_at", "pk")[:limit]
    )


def viewer_is_registrant(*, session: Session, user) -> bool:
    """Whether registrants-only materials may be shown to this viewer: one query when signed in, none otherwise."""
    if not user.is_authenticated:
        return False
    return session.registrations.registered().filter(user=user).exists()
