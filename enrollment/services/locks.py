"""The locks of the locking contract (see the package docstring), and the counts read only under them.

Tests of the race replace these to prove the lock is what prevents overbooking.

The session lock and its seat count are the serial part of a registration burst: every learner picking a session
waits for the one before to commit. They are written in SQL, with the table and column names from the models, so
that building the statements (about 2 ms of CPU for the two through the ORM, against 0.7 ms) does not happen while
the others wait.
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


def lock_series(series_id: int) -> Series:
    return Series.objects.select_for_update().get(pk=series_id)


def lock_sessions(session_ids: Iterable[int]) -> list[Session]:
    """SELECT … FOR UPDATE on the sessions, in primary-key order (so two transactions never wait on each other)."""
    ids = sorted(set(session_ids))
    if not ids:
        return []
    table, pk = _name(Session), _name(Session, "id")
    # Where the database has no row locks (SQLite, for development), its writes are serialised anyway.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Names from the model, ids as parameters.
    sql = f"SELECT * FROM {table} WHERE {pk} IN ({_placeholders(ids)}) ORDER BY {pk}{lock}"  # noqa: S608
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
