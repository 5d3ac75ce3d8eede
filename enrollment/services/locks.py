"""The locks of the locking contract (see the package docstring), and the counts read only under them.

Tests of the race replace these to prove the lock is what prevents overbooking.

The locks and the seat count are the serial part of a registration burst: every learner picking a session (and,
the first time, joining its open series) waits for the one before to commit. They are written in SQL, with the table
and column names from the models, so that building the statements (about 2 ms of CPU for the session lock and the
count through the ORM, against 0.7 ms) does not happen while the others wait. `take_seats` goes further: the lock,
the count and the new registrations in one round trip, so no Python runs between taking the lock and writing.
"""

import datetime as dt
from collections.abc import Iterable
from functools import cache

from django.db import connection

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
    enrollment, series = _name(Enrollment), _name(Series)
    column = {name: _name(Enrollment, name) for name in ("user", "series", "key", "status", "enrolled_at")}
    column |= {name: _name(Enrollment, name) for name in ("waitlisted_at", "updated_at", "id")}
    series_pk, capacity = _name(Series, "id"), _name(Series, "capacity")
    active, waitlisted = Enrollment.Status.ACTIVE, Enrollment.Status.WAITLISTED
    moment = connection.ops.adapt_datetimefield_value(now)
    # Names from the models, values as parameters. The subquery is the statement's own count of the places held.
    insert = (
        f"INSERT INTO {enrollment} ({column['user']}, {column['series']}, {column['key']}, "  # noqa: S608
        f"{column['status']}, {column['enrolled_at']}, {column['waitlisted_at']}, {column['updated_at']}) "
        f"SELECT %s, picked.id, NULL, picked.status, %s, CASE WHEN picked.status = %s THEN %s END, %s FROM ("
        f"SELECT s.{series_pk} AS id, CASE WHEN s.{capacity} IS NULL OR (SELECT COUNT(*) FROM {enrollment} e "
        f"WHERE e.{column['series']} = s.{series_pk} AND e.{column['status']} = %s) < s.{capacity} "
        f"THEN %s ELSE %s END AS status FROM {series} s WHERE s.{series_pk} = %s) picked "
        f"WHERE TRUE ON CONFLICT ({column['user']}, {column['series']}) DO NOTHING "
        f"RETURNING {column['id']}, {column['status']}"
    )
    params = [user_id, moment, waitlisted, moment, moment, active, active, waitlisted, series_id]
    with connection.cursor() as cursor:
        _lock_then_insert(cursor, _series_lock_sql(), [series_id], insert, params)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


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
    registration, session = _name(Registration), _name(Session)
    column = {name: _name(Registration, name) for name in ("user", "session", "status", "registered_at")}
    column |= {name: _name(Registration, name) for name in ("status_changed_at", "waitlisted_at", "id")}
    session_pk, capacity = _name(Session, "id"), _name(Session, "capacity")
    registered, waitlisted = Registration.Status.REGISTERED, Registration.Status.WAITLISTED
    moment = connection.ops.adapt_datetimefield_value(now)
    # Names from the models, values as parameters. The subquery is the statement's own count of the seats held.
    insert = (
        f"INSERT INTO {registration} ({column['user']}, {column['session']}, {column['status']}, "  # noqa: S608
        f"{column['registered_at']}, {column['status_changed_at']}, {column['waitlisted_at']}) "
        f"SELECT %s, picked.id, picked.status, %s, %s, CASE WHEN picked.status = %s THEN %s END FROM ("
        f"SELECT s.{session_pk} AS id, CASE WHEN s.{capacity} IS NULL OR (SELECT COUNT(*) FROM {registration} r "
        f"WHERE r.{column['session']} = s.{session_pk} AND r.{column['status']} = %s) < s.{capacity} "
        f"THEN %s ELSE %s END AS status FROM {session} s WHERE s.{session_pk} IN ({_placeholders(ids)})) picked "
        f"WHERE TRUE ON CONFLICT ({column['user']}, {column['session']}) DO NOTHING "
        f"RETURNING {column['id']}, {column['session']}, {column['status']}"
    )
    params = [user_id, moment, moment, waitlisted, moment, registered, registered, waitlisted, *ids]
    with connection.cursor() as cursor:
        _lock_then_insert(cursor, _session_lock_sql(ids), ids, insert, params)
        return {session_id: (pk, status) for pk, session_id, status in cursor.fetchall()}


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
