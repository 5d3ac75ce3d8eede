"""The locks of the locking contract (see the package docstring), and the counts read only under them.

Tests of the race replace these to prove the lock is what prevents overbooking.

The locks and the seat count are the serial part of a registration burst: every learner picking a session (and,
the first time, joining its open series) waits for the one before to commit. They are written in SQL, with the table
and column names from the models, so that building the statements (about 2 ms of CPU for the session lock and the
count through the ORM, against 0.7 ms) does not happen while the others wait.
"""

from collections.abc import Iterable

from django.db import connection

from series.models import Series
from sessions.models import Session

from ..models import Enrollment, Registration


def _name(model, field: str | None = None) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column if field else model._meta.db_table)


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _for_update() -> str:
    # Where the database has no row locks (SQLite, for development), its writes are serialised anyway.
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_series(series_id: int) -> Series:
    """SELECT … FOR UPDATE on the series (Series.DoesNotExist if there is none)."""
    table, pk = _name(Series), _name(Series, "id")
    # Names from the model, the id as a parameter.
    found = list(Series.objects.raw(f"SELECT * FROM {table} WHERE {pk} = %s{_for_update()}", [series_id]))  # noqa: S608
    if not found:
        raise Series.DoesNotExist(f"No series {series_id}.")
    return found[0]


def lock_sessions(session_ids: Iterable[int]) -> list[Session]:
    """SELECT … FOR UPDATE on the sessions, in primary-key order (so two transactions never wait on each other)."""
    ids = sorted(set(session_ids))
    if not ids:
        return []
    table, pk = _name(Session), _name(Session, "id")
    # Names from the model, ids as parameters.
    sql = f"SELECT * FROM {table} WHERE {pk} IN ({_placeholders(ids)}) ORDER BY {pk}{_for_update()}"  # noqa: S608
    return list(Session.objects.raw(sql, ids))


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
