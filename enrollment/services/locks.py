"""The locks of the locking contract (see the package docstring), and the counts read only under them.

Tests of the race replace these to prove the lock is what prevents overbooking.

The locks and the seat count are the serial part of a registration burst: every learner picking a session (and,
the first time, joining its open series) waits for the one before to commit. They are written in SQL, with the table
and column names from the models, so that building the statements (about 2 ms of CPU for the session lock and the
count through the ORM, against 0.7 ms) does not happen while the others wait. `take_seats` goes further: the lock,
the count and the new registrations in one round trip, so no Python runs between taking the lock and writing.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from django.db import connection

from core import prepared_sql
from series.models import Series
from sessions.models import Session

from ..models import Enrollment, Registration


def _name(model, field: str | None = None) -> str:
    return _quoted_name(connection.vendor, model, field)


@cache
def _quoted_name(vendor: str, model, field: str | None) -> str:
    # A table's or column's name does not change while the process runs; its quoting depends on the database.
    return connection.ops.quote_name(model._meta.get_field(field).column if field else model._meta.db_table)


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _moment() -> str:
    """A moment's placeholder where PostgreSQL cannot infer its type (a CASE's result) once the statement is
    prepared (`register_at_once`)."""
    return "CAST(%s AS timestamp with time zone)" if connection.vendor == "postgresql" else "%s"


def _for_update() -> str:
    # Where the database has no row locks (SQLite, for development), its writes are serialised anyway.
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_series(series_id: int) -> Series:
    """SELECT … FOR UPDATE on the series (Series.DoesNotExist if there is none)."""
    found = list(Series.objects.raw(_series_lock_sql(), [series_id]))
    if not found:
        raise Series.DoesNotExist(f"No series {series_id}.")
    return found[0]


def _series_lock_sql() -> str:
    table, pk = _name(Series), _name(Series, "id")
    # Names from the model, the id as a parameter.
    return f"SELECT * FROM {table} WHERE {pk} = %s{_for_update()}"  # noqa: S608


def join_series(*, user_id: int, series_id: int, now: dt.datetime) -> tuple[int, str] | None:
    """Lock the series (`lock_series`' lock) and give the user a place in it if they have no enrollment row: active
    while the series has places (`active_enrollments` below its capacity, or no capacity), else on its waitlist.
    Returns (enrollment id, status) for the row written; None when the user has a row already (in any status),
    left as it is for the caller to handle under the lock this took.

    As `take_seats`: two statements in one round trip on PostgreSQL, the INSERT's snapshot taken after the lock is
    granted (so its count sees every place committed before), no Python in between; Enrollment's save() signals
    do not fire, so the caller tells what they tell.
    """
    insert, params = _place_insert(user_id=user_id, series_id=series_id, now=now)
    with connection.cursor() as cursor:
        _lock_then_insert(cursor, _series_lock_sql(), [series_id], insert, params)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _place_insert(*, user_id: int, series_id: int, now: dt.datetime) -> tuple[str, list]:
    """`join_series`' INSERT, sent after the series lock: the place (or waitlist place) if the user has no row."""
    active, waitlisted = Enrollment.Status.ACTIVE, Enrollment.Status.WAITLISTED
    moment = connection.ops.adapt_datetimefield_value(now)
    params = [user_id, moment, waitlisted, moment, moment, active, active, waitlisted, series_id]
    return _place_insert_sql(connection.vendor), params


@cache
def _place_insert_sql(vendor: str) -> str:
    # Written once per process and database: it runs under the series lock.
    enrollment, series = _name(Enrollment), _name(Series)
    column = {name: _name(Enrollment, name) for name in ("user", "series", "key", "status", "enrolled_at")}
    column |= {name: _name(Enrollment, name) for name in ("waitlisted_at", "updated_at", "id")}
    series_pk, capacity = _name(Series, "id"), _name(Series, "capacity")
    # Names from the models, values as parameters. The subquery is the statement's own count of the places held.
    return (
        f"INSERT INTO {enrollment} ({column['user']}, {column['series']}, {column['key']}, "  # noqa: S608
        f"{column['status']}, {column['enrolled_at']}, {column['waitlisted_at']}, {column['updated_at']}) "
        f"SELECT %s, picked.id, NULL, picked.status, %s, CASE WHEN picked.status = %s THEN {_moment()} END, %s FROM ("
        f"SELECT s.{series_pk} AS id, CASE WHEN s.{capacity} IS NULL OR (SELECT COUNT(*) FROM {enrollment} e "
        f"WHERE e.{column['series']} = s.{series_pk} AND e.{column['status']} = %s) < s.{capacity} "
        f"THEN %s ELSE %s END AS status FROM {series} s WHERE s.{series_pk} = %s) picked "
        f"WHERE TRUE ON CONFLICT ({column['user']}, {column['series']}) DO NOTHING "
        f"RETURNING {column['id']}, {column['status']}"
    )


def _lock_then_insert(cursor, lock_sql: str, lock_params: list, insert: str, params: list) -> None:
    """The lock and the INSERT that counts under it, in one round trip on PostgreSQL (the INSERT's snapshot is taken
    once the lock is granted); one statement at a time elsewhere (SQLite's transactions are serialised anyway)."""
    if connection.vendor == "postgresql":
        cursor.execute(f"{lock_sql}; {insert}", [*lock_params, *params])
    else:
        cursor.execute(lock_sql, lock_params)
        cursor.execute(insert, params)


def _session_lock_sql(ids: list[int]) -> str:
    table, pk = _name(Session), _name(Session, "id")
    # Names from the model, ids as parameters.
    return f"SELECT * FROM {table} WHERE {pk} IN ({_placeholders(ids)}) ORDER BY {pk}{_for_update()}"  # noqa: S608


def lock_sessions(session_ids: Iterable[int]) -> list[Session]:
    """SELECT … FOR UPDATE on the sessions, in primary-key order (so two transactions never wait on each other)."""
    ids = sorted(set(session_ids))
    if not ids:
        return []
    return list(Session.objects.raw(_session_lock_sql(ids), ids))


def take_seats(*, user_id: int, session_ids: Iterable[int], now: dt.datetime) -> dict[int, tuple[int, str]]:
    """Lock the sessions (`lock_sessions`' lock) and give the user a registration in each they have no row in: a
    seat while the session has seats left, else a place on its waitlist. Returns {session id: (registration id,
    status)} for the rows written; sessions where the user has a row already (in any status) are left as they are,
    for the caller to handle under the lock this took.

    Two statements, sent in one round trip on PostgreSQL: the INSERT takes its snapshot after the lock is granted,
    so its count sees every seat committed before (within one statement the count would be read as the statement
    began, before the wait for the lock). No Python runs in between, and the transaction holding the lock is
    ready to commit when the round trip returns. Sent as written out (its SQL names the same rows and statuses as
    `seats_taken`): Registration's save() signals do not fire, so the caller tells what they tell.
    """
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    insert, params = _seats_insert(user_id=user_id, ids=ids, now=now)
    with connection.cursor() as cursor:
        _lock_then_insert(cursor, _session_lock_sql(ids), ids, insert, params)
        return {session_id: (pk, status) for pk, session_id, status in cursor.fetchall()}


def _seats_insert(*, user_id: int, ids: list[int], now: dt.datetime, guarded: bool = False) -> tuple[str, list]:
    """`take_seats`' INSERT, sent after the session lock: a seat or a waitlist place in each session the user has no
    row in; `guarded`: only if the user has no row in any of them, and an active place in the series (`series_id`
    appended to the parameters by the caller, `register_at_once`)."""
    registered, waitlisted = Registration.Status.REGISTERED, Registration.Status.WAITLISTED
    moment = connection.ops.adapt_datetimefield_value(now)
    params = [user_id, moment, moment, waitlisted, moment, registered, registered, waitlisted, *ids]
    if guarded:
        params += [user_id, *ids, user_id]
    return _seats_insert_sql(connection.vendor, len(ids), guarded), params


@cache
def _seats_insert_sql(vendor: str, count: int, guarded: bool) -> str:
    # Written once per process, database and number of sessions: it runs under the session lock.
    registration, session, enrollment = _name(Registration), _name(Session), _name(Enrollment)
    column = {name: _name(Registration, name) for name in ("user", "session", "status", "registered_at")}
    column |= {name: _name(Registration, name) for name in ("status_changed_at", "waitlisted_at", "id")}
    session_pk, capacity = _name(Session, "id"), _name(Session, "capacity")
    placeholders = ", ".join(["%s"] * count)
    only_if = "TRUE"
    if guarded:
        place = {name: _name(Enrollment, name) for name in ("user", "series", "status")}
        only_if = (
            f"NOT EXISTS (SELECT 1 FROM {registration} held WHERE held.{column['user']} = %s "  # noqa: S608
            f"AND held.{column['session']} IN ({placeholders})) AND EXISTS (SELECT 1 FROM {enrollment} e "
            f"WHERE e.{place['user']} = %s AND e.{place['series']} = %s AND e.{place['status']} = %s)"
        )
    # Names from the models, values as parameters. The subquery is the statement's own count of the seats held.
    return (
        f"INSERT INTO {registration} ({column['user']}, {column['session']}, {column['status']}, "  # noqa: S608
        f"{column['registered_at']}, {column['status_changed_at']}, {column['waitlisted_at']}) "
        f"SELECT %s, picked.id, picked.status, %s, %s, CASE WHEN picked.status = %s THEN {_moment()} END FROM ("
        f"SELECT s.{session_pk} AS id, CASE WHEN s.{capacity} IS NULL OR (SELECT COUNT(*) FROM {registration} r "
        f"WHERE r.{column['session']} = s.{session_pk} AND r.{column['status']} = %s) < s.{capacity} "
        f"THEN %s ELSE %s END AS status FROM {session} s WHERE s.{session_pk} IN ({placeholders})) picked "
        f"WHERE {only_if} ON CONFLICT ({column['user']}, {column['session']}) DO NOTHING "
        f"RETURNING {column['id']}, {column['session']}, {column['status']}"
    )


@dataclass(frozen=True)
class Written:
    """What `register_at_once` wrote: the user's place in the series (None: not joining, or a row they had
    already), and their registration in each session picked, with the ids of the emails that say so."""

    place: tuple[int, str] | None
    registrations: dict[int, tuple[int, str]]
    emails: list[int]


def register_at_once(
    *,
    user_id: int,
    series_id: int,
    joining: bool,
    session_ids: Iterable[int],
    now: dt.datetime,
    before: Sequence[tuple[str, list]],
    emails: Callable[[str], list[tuple[str, list]]],
) -> Written:
    """A registration of a learner who holds nothing in the sessions picked, in one round trip on PostgreSQL
    (`Written`): the statements `before` (the learner's consent), then, `joining`, their place in the open series
    `series_id` (as `join_series`), then their seats (as `take_seats`), then the emails `emails` builds from the
    registrations written, which it is given as the name of a relation with columns id, session_id, status and
    starts_at.

    Sent as one message outside a transaction, the statements are one transaction, which PostgreSQL commits when
    the last has run: from the first lock to the commit nothing runs in Python, waits on the network or waits for
    the GIL, so each learner of a burst holds the locks only while the server runs the statements. Each is planned
    once per connection (`prepared_sql.run_together`): planned every time, they cost the server more than they
    take to run (1.2 ms against 0.7 ms, measured on the bench database), and most of it under the locks. Inside the
    caller's transaction they are part of it. Each statement takes its snapshot after the one before, so each count
    sees what was committed before its lock was granted, as in `take_seats`.

    Nothing is written in the sessions when the learner has a row in any of them (held, or cancelled and picked
    again), nor without an active place in the series (its waitlist, or a place left meanwhile):
    `Written.registrations` is then empty and the caller goes the way that handles those under the locks.
    PostgreSQL only.
    """
    ids = sorted(set(session_ids))
    moment = connection.ops.adapt_datetimefield_value(now)
    statements = list(before)
    if joining:
        statements += [(_series_lock_sql(), [series_id]), _place_insert(user_id=user_id, series_id=series_id, now=now)]
    insert, params = _seats_insert(user_id=user_id, ids=ids, now=now, guarded=True)
    statements += [(_session_lock_sql(ids), ids), (insert, [*params, series_id, Enrollment.Status.ACTIVE])]
    email_statements = emails("written")
    params = [user_id, *ids, moment]
    for _, email_params in email_statements:
        params += email_params
    if joining:
        params += [user_id, series_id, moment]
    report = _report_sql(connection.vendor, len(ids), joining, tuple(sql for sql, _ in email_statements))
    statements.append((report, params))
    rows = prepared_sql.run_together(statements)
    places = [(pk, status) for what, pk, _, status in rows if what == "place"]
    return Written(
        place=places[0] if places else None,
        registrations={session_id: (pk, status) for what, pk, session_id, status in rows if what == "seat"},
        emails=[pk for what, pk, _, _ in rows if what == "email"],
    )


@cache
def _report_sql(vendor: str, count: int, joining: bool, email_statements: tuple[str, ...]) -> str:
    """`register_at_once`'s last statement: the registrations it wrote (every one took its status at `now`, which no
    earlier row of theirs has), their emails written, and the place written in the series when joining."""
    registration, session, enrollment = _name(Registration), _name(Session), _name(Enrollment)
    column = {name: _name(Registration, name) for name in ("user", "session", "status", "status_changed_at", "id")}
    place = {name: _name(Enrollment, name) for name in ("user", "series", "status", "updated_at", "id")}
    # Names from the models and SQL of this package's callers; values as parameters.
    written = (
        f"SELECT r.{column['id']} AS id, r.{column['session']} AS session_id, r.{column['status']} AS status, "  # noqa: S608
        f"s.{_name(Session, 'starts_at')} AS starts_at FROM {registration} r JOIN {session} s "
        f"ON s.{_name(Session, 'id')} = r.{column['session']} WHERE r.{column['user']} = %s "
        f"AND r.{column['session']} IN ({', '.join(['%s'] * count)}) AND r.{column['status_changed_at']} = %s"
    )
    ctes = [f"written AS ({written})"] + [f"email_{n} (id) AS ({sql})" for n, sql in enumerate(email_statements)]
    report = ["SELECT 'seat', id, session_id, status FROM written"]
    report += [f"SELECT 'email', id, NULL, NULL FROM email_{n}" for n in range(len(email_statements))]  # noqa: S608
    if joining:
        report.append(
            f"SELECT 'place', {place['id']}, NULL, {place['status']} FROM {enrollment} "  # noqa: S608
            f"WHERE {place['user']} = %s AND {place['series']} = %s AND {place['updated_at']} = %s"
        )
    return f"WITH {', '.join(ctes)} " + " UNION ALL ".join(report)


def active_enrollments(series_id: int) -> int:
    return Enrollment.objects.filter(series_id=series_id).active().count()


def seats_taken(session_ids: Iterable[int]) -> dict[int, int]:
    """Seats held in each session (`Registration.objects.registered()`), by session id; sessions with none left out."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    table, session, status = _name(Registration), _name(Registration, "session"), _name(Registration, "status")
    with connection.cursor() as cursor:
        # Names from the model, values as parameters.
        cursor.execute(
            f"SELECT {session}, COUNT(*) FROM {table} WHERE {session} IN ({_placeholders(ids)}) AND {status} = %s "  # noqa: S608
            f"GROUP BY {session}",
            [*ids, Registration.Status.REGISTERED],
        )
        return dict(cursor.fetchall())
