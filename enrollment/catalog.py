"""Reads for the catalog pages (home, /series/, a series): series and sessions with their registration facts.

Whether a series takes registrations counts its enrollments, so these lists live here, above
`series` and `sessions`; each comes back in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import connection
from django.db.models import (
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

from core import prepared_sql
from core.i18n import localized
from hubs.models import Hub
from series.models import Series
from series.queries import published_series
from sessions.models import Session
from sessions.queries import public_sessions, with_schedule_facts

from .models import Enrollment, Registration
from .queries import enrollment_waitlist_position
from .registration import (
    attach_series_facts,
    open_for_registration_q,
    with_registration_facts,
    with_series_registration_facts,
)
from .visibility import published_private_series_ids_of, visible_series_q


def catalog(
    *,
    hub: Hub | None = None,
    kind: str = "",
    language: str = "",
    profession: str = "",
    open_only: bool = False,
    now: dt.datetime | None = None,
    viewer=None,
) -> QuerySet[Series]:
    """Published series for /series/ that `viewer` may see (None: a visitor, and the listing every viewer shares),
    with hub, registration facts and schedule facts: one query."""
    now = now or timezone.now()
    queryset = with_schedule_facts(
        with_registration_facts(published_series().filter(visible_series_q(viewer)).select_related("hub")), now=now
    )
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


def invitation_series_ids_for(*, viewer) -> list[int]:
    """The ids of the published series by invitation only that a signed-in `viewer` was invited to, belongs to or
    runs, in order: the part of /series/ that is theirs alone (the shared listing never has these). One query of
    ids, none for visitors: most learners have none, and those who have some share the cards' rendering."""
    return published_private_series_ids_of(viewer)


def invitation_series(*, ids: list[int], now: dt.datetime | None = None) -> list[Series]:
    """These published series by invitation only (from `invitation_series_ids_for`), with hub, registration and
    schedule facts, those with a session coming up first: one query. The same for everyone given the same ids."""
    now = now or timezone.now()
    queryset = published_series().filter(registration_mode=Series.RegistrationMode.INVITATION, pk__in=ids)
    return list(
        with_schedule_facts(with_registration_facts(queryset.select_related("hub")), now=now).order_by(
            Coalesce("next_session_starts_at", Value(dt.datetime.max.replace(tzinfo=dt.UTC))), localized("title"), "pk"
        )
    )


def open_communities_of_practice(*, now: dt.datetime | None = None, limit: int = 12) -> list[Series]:
    """Communities of practice taking members now, for the home page: the same for every viewer, so never one by
    invitation only."""
    now = now or timezone.now()
    queryset = with_schedule_facts(
        with_registration_facts(
            published_series().filter(visible_series_q(None), kind=Series.Kind.COMMUNITY_OF_PRACTICE)
        ),
        now=now,
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


def viewer_place(*, series: Series, viewer, now: dt.datetime | None = None) -> dict:
    """Where a signed-in viewer stands in a series (what `series_actions` shows): their enrollment's status, their
    place on its waitlist, and how many of its sessions still to come they hold a seat in. One query (two for
    someone on the waitlist).

    Written in SQL: it runs on every signed-in visit to a series page, and the ORM spends some fifty times
    longer building these subqueries than the database spends answering them.
    """
    now = now or timezone.now()
    enrollment, registration, session = (
        connection.ops.quote_name(model._meta.db_table) for model in (Enrollment, Registration, Session)
    )
    mine = f"FROM {enrollment} e WHERE e.user_id = %s AND e.series_id = %s AND e.status <> %s ORDER BY e.id LIMIT 1"
    seats = (
        f"FROM {registration} r INNER JOIN {session} s ON s.id = r.session_id"
        " WHERE r.user_id = %s AND s.series_id = %s AND s.ends_at > %s AND r.status = %s"
    )
    # Table names come from the models, every value is a parameter.
    sql = f"SELECT (SELECT e.id {mine}), (SELECT e.status {mine}), (SELECT COUNT(*) {seats})"  # noqa: S608
    params = [
        *(viewer.pk, series.pk, Enrollment.Status.WITHDRAWN.value) * 2,
        *(viewer.pk, series.pk, now, Registration.Status.REGISTERED.value),
    ]
    ((enrollment_id, status, upcoming),) = prepared_sql.fetch_all(sql, params)
    position = None
    if status == Enrollment.Status.WAITLISTED:
        position = enrollment_waitlist_position(enrollment=Enrollment(pk=enrollment_id, status=status))
    return {"viewer_enrollment_status": status, "viewer_waitlist_position": position, "viewer_upcoming_count": upcoming}


def next_session_ids(*, user, now: dt.datetime | None = None, limit: int = 3) -> list[int]:
    """The ids of the learner's next sessions (seat held, not over, not cancelled), soonest first: the only part of
    the home page's "Your next sessions" that is theirs (each session shows the same to everyone). One query.

    Written in SQL, as `viewer_place`: it runs on every signed-in visit to the home page.
    """
    now = now or timezone.now()
    registration, session = (connection.ops.quote_name(model._meta.db_table) for model in (Registration, Session))
    # Table names come from the models, every value is a parameter.
    sql = (
        f"SELECT r.session_id FROM {registration} r INNER JOIN {session} s ON s.id = r.session_id"  # noqa: S608
        " WHERE r.user_id = %s AND r.status = %s AND s.ends_at > %s AND s.status = %s"
        " ORDER BY s.starts_at, r.id LIMIT %s"
    )
    params = [user.pk, Registration.Status.REGISTERED.value, now, Session.Status.SCHEDULED.value, limit]
    return [row[0] for row in prepared_sql.fetch_all(sql, params)]


def sessions_in_order(ids: list[int]) -> list[Session]:
    """These sessions, in the order given, with what a link to each shows (title, times): one query."""
    by_id = Session.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def prefetch_series_page(series: Series) -> Series:
    """A series from `series_for_page` with its accreditations, and every session with its presenters: 3 queries."""
    prefetch_related_objects(
        [series],
        "accreditations",
        Prefetch("sessions", queryset=Session.objects.order_by("starts_at", "pk").prefetch_related("presenters")),
    )
    return series


def upcoming_sessions(*, now: dt.datetime | None = None, language: str = "", profession: str = "") -> QuerySet[Session]:
    """Scheduled sessions not yet over, soonest first, each with its series' registration facts. The home page
    shares this list among all its viewers, so sessions of a series by invitation only are never in it (their
    people find them in their own next sessions and in the catalog's "By invitation" part).

    Slice or paginate it, then pass the rows through `attach_series_facts` (one query per slice).
    """
    now = now or timezone.now()
    queryset = public_sessions().scheduled().upcoming(now=now).filter(visible_series_q(None, prefix="series__"))
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
