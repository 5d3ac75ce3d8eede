"""Reads for the enrollment pages: what a learner holds, seats left, My learning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import prepared_sql
from core.formatting import format_session_when
from core.i18n import field_in, localized
from series.models import Series
from sessions.models import Resource, Session

from .credits import SeriesCredits, series_credits
from .models import Enrollment, Registration
from .sql_rows import Columns, converted, instances, made, position


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
    """The sessions of a series one could still pick, with what the picker shows of them (`when` written out in
    the active language and time zone): the same for every learner, so the picker keeps it (no seat count here)."""
    now = now or timezone.now()
    sessions = list(
        Session.objects.filter(series=series, status=Session.Status.SCHEDULED, starts_at__gt=now)
        .only("pk", "series_id", *_titles(), "starts_at", "ends_at", "capacity", "status")
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.when = format_session_when(session.starts_at, session.ends_at)
    return sessions


def seats_left(capacity: int | None, taken: int) -> int | None:
    """None when unlimited."""
    return None if capacity is None else max(0, capacity - taken)


def registrations_in_series(*, user, series: Series) -> dict[int, Registration]:
    """The learner's current (not cancelled) registrations in a series, by session id."""
    registrations = Registration.objects.filter(user=user, session__series=series).exclude(
        status=Registration.Status.CANCELLED
    )
    return {registration.session_id: registration for registration in registrations}


@cache
def _enrollment_query() -> tuple[str, list[Columns]]:
    enrollment = Columns.of(Enrollment, "e", [field.attname for field in Enrollment._meta.concrete_fields])
    # Table and column names come from the model; the learner and the series are parameters.
    sql = (
        f"SELECT {enrollment.select()} FROM {enrollment.table} e"  # noqa: S608
        f" WHERE {enrollment.column('user_id')} = %s AND {enrollment.column('series_id')} = %s"
        f" ORDER BY {enrollment.column('id')} LIMIT 1"
    )
    return sql, [enrollment]


def enrollment_for(*, user, series: Series) -> Enrollment | None:
    """The learner's enrollment in the series, if any: what `Enrollment.objects.filter(user=…, series=…).first()`
    gives, written in SQL because the picker and the enroll page ask it on every visit
    (tests/enrollment/test_picker_sql.py)."""
    sql, parts = _enrollment_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, series.pk])
        rows = cursor.fetchall()
    return instances(rows, parts)[0][0] if rows else None


@cache
def _enrollment_and_seats_query(sessions: int) -> str:
    """`_enrollment_query`'s row (or none), then one row per session of these `sessions` anyone holds or waits for
    (its id, the seats taken, the status of the learner's registration in it or NULL), the enrollment's columns
    NULL in those and theirs in the enrollment's: written once per number of sessions."""
    enrollment_sql, (enrollment,) = _enrollment_query()
    if not sessions:
        return enrollment_sql
    registration = Columns.of(Registration, "r", ["session_id", "user_id", "status"])
    status, session_id = registration.column("status"), registration.column("session_id")
    blanks = ", ".join(["NULL"] * len(enrollment.fields))
    # Table and column names come from the models; every value is a parameter. The enrollment's query is wrapped
    # because a branch of a UNION may not have its own ORDER BY and LIMIT.
    return (
        f"SELECT found.*, NULL, NULL, NULL FROM ({enrollment_sql}) found"  # noqa: S608
        f" UNION ALL SELECT {blanks}, {session_id}, COUNT(CASE WHEN {status} = %s THEN 1 END),"
        f" MAX(CASE WHEN {registration.column('user_id')} = %s THEN {status} END)"
        f" FROM {registration.table} r WHERE {session_id} IN ({', '.join(['%s'] * sessions)}) AND {status} <> %s"
        f" GROUP BY {session_id}"
    )


def enrollment_and_seats(
    *, user, series: Series, session_ids: list[int]
) -> tuple[Enrollment | None, dict[int, tuple[int, str | None]]]:
    """The learner's enrollment in the series (`enrollment_for`), and for each of these sessions that anyone holds
    or waits for the seats taken and the status of the learner's registration in it (None when they have none; a
    session nobody holds is left out): one query, what the picker reads on every visit.

    Written in SQL and planned once per database connection: the ORM took longer to build the grouped count than
    the database to answer it, and PostgreSQL plans it about as long as it runs it (0.14 and 0.16 ms on the bench
    database, 14 sessions). tests/enrollment/test_picker_sql.py holds both answers to the ORM's."""
    params = [user.pk, series.pk]
    if session_ids:
        params += [Registration.Status.REGISTERED.value, user.pk, *session_ids, Registration.Status.CANCELLED.value]
    rows = prepared_sql.fetch_all(_enrollment_and_seats_query(len(session_ids)), params)
    _sql, parts = _enrollment_query()
    width = len(parts[0].fields)
    enrollment, counts = None, {}
    for row in rows:
        if len(row) == width or row[width] is None:  # the enrollment's row: a registration always has a session
            enrollment = instances([row[:width]], parts)[0][0]
        else:
            counts[row[width]] = (row[width + 1], row[width + 2])
    return enrollment, counts


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


# My learning lists the most recent past sessions; the rest of a learner's history is one link away.
PAST_SESSIONS_SHOWN = 10


@dataclass(frozen=True)
class UpcomingSeat:
    """A seat held in a session still to come, as My learning lists it. The session's card (title, time, join link)
    is the same for every registrant and kept (enrollment/views.py), so a visit needs only the registration's id
    (the link to cancel names it) and its session's; `registration()` makes the instance, with its session and
    series, for a card that must be drawn again."""

    pk: int
    session_id: int
    row: tuple  # as `_my_registration_rows` read it

    def registration(self) -> Registration:
        return _registration_of(made([self.row], _my_registrations_parts()[-1])[0])


@dataclass
class MyLearning:
    upcoming: list[UpcomingSeat] = field(default_factory=list)
    waitlisted: list[Registration] = field(default_factory=list)
    past: list[Registration] = field(default_factory=list)  # newest first; the most recent unless all were asked for
    past_count: int = 0  # every past session, shown or not
    enrollments: list[Enrollment] = field(default_factory=list)
    credits: list[SeriesCredits] = field(default_factory=list)
    has_rows: dict[str, bool] = field(default_factory=dict)  # whether each list asked about has any, by name


def _titles(prefix: str = "") -> list[str]:
    """A translated title in every language: modeltranslation does not widen `only()` across a relation."""
    return [f"{prefix}title", *(f"{prefix}{field_in('title', code)}" for code, _label in settings.LANGUAGES)]


@cache
def _my_registrations_parts() -> tuple[str, str, str, str, list[Columns]]:
    """The learner's registrations (not cancelled) with what My learning shows of their session and series (and what
    credits are counted from): the columns, the joined tables, the condition (the learner and the status as
    parameters) and the order shown, written once per process, and the columns it loads."""
    registration = Columns.of(Registration, "r", ["id", "session_id", "status", "attended_minutes"])
    session = Columns.of(Session, "s", ["id", "series_id", *_titles(), "starts_at", "ends_at", "status", "join_url"])
    series = Columns.of(
        Series, "se", ["id", "slug", *_titles(), "attendance_minimum_minutes", "attendance_minimum_percent"]
    )
    # Table and column names come from the models; the learner and the status are parameters.
    tables = (
        f"{registration.table} r"
        f" INNER JOIN {session.table} s ON {session.column('id')} = {registration.column('session_id')}"
        f" INNER JOIN {series.table} se ON {series.column('id')} = {session.column('series_id')}"
    )
    condition = f"{registration.column('user_id')} = %s AND {registration.column('status')} <> %s"
    select = f"{registration.select()}, {session.select()}, {series.select()}"
    order = f"{session.column('starts_at')}, {registration.column('id')}"
    return select, tables, condition, order, [registration, session, series]


def _my_registration_rows(*, user, asked: dict[str, tuple[str, list]] | None = None) -> tuple[dict[str, bool], list]:
    """Whether each of the SELECTs `asked` (SQL and parameters: the lists of My learning most learners have nothing
    in) returns a row, and the rows `_my_registrations_parts` describes, each value as the ORM reads it: one round trip,
    written in SQL and planned once per database connection because My learning runs it on every visit (the ORM
    spent five times longer compiling it than the database answering it, and the database longer planning it than
    running it).

    The questions are asked beside the rows, which are left-joined to one row of answers so the answers come back
    when the learner has no registration (that row's registration columns are NULL)."""
    select, tables, condition, order, parts = _my_registrations_parts()
    asked = asked or {}
    names = list(asked)
    answers = "".join(f"EXISTS ({asked[name][0]}), " for name in names)
    # Every value is a parameter; the SQL is the models' and the callers' (their questions' text is fixed).
    sql = (
        f"SELECT {answers}{select} FROM (SELECT 1 AS one) answers"  # noqa: S608
        f" LEFT JOIN ({tables}) ON {condition} ORDER BY {order}"
    )
    params = [param for name in names for param in asked[name][1]]
    params += [user.pk, Registration.Status.CANCELLED.value]
    found = prepared_sql.fetch_all(sql, params)
    if not found:  # no registrations and nothing asked cannot happen: the row of answers is always there
        return {}, []
    answered = {name: bool(value) for name, value in zip(names, found[0], strict=False)}
    first = len(names)
    rows = [row[first:] for row in found if row[first] is not None]
    return answered, converted(rows, parts)


def _registration_of(objects: list) -> Registration:
    registration, session, series = objects
    session.series = series
    registration.session = session
    return registration


def _my_registrations(*, user) -> list[Registration]:
    """What `_my_registration_rows` reads, as the ORM would have made it with `select_related("session__series")`
    and `only()` those fields (tests/enrollment/test_my_learning_sql.py holds it to the ORM's answer)."""
    _answers, rows = _my_registration_rows(user=user)
    return [_registration_of(objects) for objects in made(rows, _my_registrations_parts()[-1])]


def _add_waitlist_positions(rows: list, *, model, within: str, otherwise: int | None = None) -> None:
    """Set `waitlist_position` on waitlisted registrations or enrollments: one query, none when there are none
    (most learners wait for nothing, and the count is not worth running for every seat held). `otherwise` is what
    a row the count finds nothing for gets (My series has always shown 0 there)."""
    if not rows:
        return
    position = waitlist_position(model, within=within)
    positions = dict(
        model.objects.filter(pk__in=[row.pk for row in rows])
        .annotate(position=position if otherwise is None else Coalesce(position, otherwise))
        .values_list("pk", "position")
    )
    for row in rows:
        row.waitlist_position = positions.get(row.pk)


def shown_enrollments_of(*, user) -> QuerySet[Enrollment]:
    """The series a learner is in or waiting for: what My learning lists under "My series"."""
    return Enrollment.objects.filter(user=user).exclude(status=Enrollment.Status.WITHDRAWN)


def shown_enrollments_sql(*, user) -> tuple[str, list]:
    """`shown_enrollments_of` as a SELECT in SQL, for `my_learning`, which asks whether there are any on every visit
    in its one query (the ORM takes longer to build the question than the database to answer it)."""
    table = connection.ops.quote_name(Enrollment._meta.db_table)
    # The table name comes from the model; every value is a parameter.
    return f"SELECT 1 FROM {table} WHERE user_id = %s AND status <> %s", [user.pk, Enrollment.Status.WITHDRAWN.value]  # noqa: S608


def my_learning(
    *, user, now: dt.datetime | None = None, all_past: bool = False, asked: dict[str, tuple[str, list]] | None = None
) -> MyLearning:
    """Everything My learning shows: the registrations with what is shown of their session and series, and whether
    the learner has any enrollment and a row in each of the other lists `asked` (SELECTs in SQL with their
    parameters, by name; answers in `has_rows`), in one query; the published materials of the past sessions listed,
    the accreditations of the series attended and the enrollments (one query each, only when there are any).

    Past sessions are the PAST_SESSIONS_SHOWN most recent unless `all_past`; credits count the whole history.
    """
    now = now or timezone.now()
    result = MyLearning()
    result.has_rows, rows = _my_registration_rows(
        user=user, asked={"enrollments": shown_enrollments_sql(user=user), **(asked or {})}
    )
    parts = _my_registrations_parts()[-1]
    status_at, ends_at = position(parts, Registration, "status"), position(parts, Session, "ends_at")
    id_at, session_at = position(parts, Registration, "id"), position(parts, Registration, "session_id")
    # A seat still to come is all most of the list is: kept as its row (the instances are made only for the rest).
    others = []
    for row in rows:
        if row[status_at] != Registration.Status.WAITLISTED and row[ends_at] > now:
            result.upcoming.append(UpcomingSeat(pk=row[id_at], session_id=row[session_at], row=row))
        else:
            others.append(row)
    attended_by_series: dict[int, list[Registration]] = {}
    series_by_id: dict[int, Series] = {}
    for registration in (_registration_of(objects) for objects in made(others, parts)):
        session = registration.session
        if registration.status == Registration.Status.WAITLISTED:
            if session.ends_at > now:
                result.waitlisted.append(registration)
        else:
            result.past.append(registration)
            if registration.attended_minutes:
                series_by_id.setdefault(session.series_id, session.series)
                attended_by_series.setdefault(session.series_id, []).append(registration)
    result.past.reverse()
    _add_waitlist_positions(result.waitlisted, model=Registration, within="session")
    result.past_count = len(result.past)
    if not all_past:
        result.past = result.past[:PAST_SESSIONS_SHOWN]
    if result.past:
        visible_resources = Resource.objects.filter(published_at__isnull=False, published_at__lte=now).order_by(
            "kind", "pk"
        )
        prefetch_related_objects(
            [registration.session for registration in result.past],
            Prefetch("resources", queryset=visible_resources, to_attr="visible_resources"),
        )
    if series_by_id:
        prefetch_related_objects(list(series_by_id.values()), "accreditations")
    if result.has_rows["enrollments"]:
        result.enrollments = list(
            shown_enrollments_of(user=user)
            .select_related("series")
            .only("pk", "status", "series_id", "series__id", "series__slug", *_titles("series__"))
            .order_by(localized("title", through="series"))
        )
        waiting = [enrollment for enrollment in result.enrollments if enrollment.status == Enrollment.Status.WAITLISTED]
        _add_waitlist_positions(waiting, model=Enrollment, within="series", otherwise=0)
    result.credits = [
        series_credits(series=series, registrations=attended_by_series[series_id])
        for series_id, series in sorted(series_by_id.items(), key=lambda item: item[1].title)
    ]
    return result


def viewer_is_registrant(*, session: Session, user) -> bool:
    """Whether registrants-only materials may be shown to this viewer: one query when signed in, none otherwise."""
    if not user.is_authenticated:
        return False
    return session.registrations.registered().filter(user=user).exists()
