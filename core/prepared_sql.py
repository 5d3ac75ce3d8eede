"""Short read queries that every signed-in page asks, planned once per database connection on PostgreSQL.

A signed-in page's own question to the database (the learner's next sessions, where they stand in a series, which
series by invitation they may see) is one short statement written in SQL, and PostgreSQL spent more than three
times longer planning it than running it: measured on the bench database, one connection, 2,000 runs each, the
home page's statement took 0.43-0.51 ms of the server's CPU planned every time and 0.12-0.14 ms prepared (the
client's own time 0.12-0.15 → 0.07-0.08 ms). `fetch_all` prepares a statement the first time a connection runs it
and runs it by name afterwards, in one round trip either way (PREPARE and EXECUTE sent together the first time);
other databases run it as it is.

A name is prepared at most once per connection, so PREPARE never meets a name already taken: the names are kept
with the connection (Django's connection_created starts a new connection with none) and a statement that failed
while it was being prepared gets a new name next time. PostgreSQL keeps a prepared statement when the transaction
it was prepared in rolls back, so what is kept stays true. Values are still parameters, passed as before; the
statement text must hold no `%` but its `%s` placeholders.

A kept name can go stale while the connection lives on: a migration that changes the type of a column the statement
returns ("cached plan must not change result type"), or a pooler or `DISCARD ALL` that drops the connection's
prepared statements ("prepared statement does not exist"). The name is then forgotten, and outside a transaction
the statement is prepared again at once, so the page is answered; inside one, the transaction has failed anyway and
the error goes up as any other database error would, the next statement preparing afresh.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created

_NAMES = itertools.count(1)
# SQLSTATEs that mean the kept name no longer stands for the statement: the cached plan changed its result type,
# and no prepared statement of that name exists on the server.
_STALE = {"0A000", "26000"}


def _new_connection(sender, connection, **kwargs) -> None:
    connection.prepared_statements = {}


connection_created.connect(_new_connection, dispatch_uid="prepared-sql:new-connection")


def _numbered(sql: str, count: int) -> str:
    """The statement with its `%s` placeholders numbered $1, $2… as PREPARE takes them."""
    parts = sql.split("%s")
    if len(parts) != count + 1 or any("%" in part for part in parts):
        raise ValueError("prepared_sql: a statement's only % must be its %s placeholders, one per value")
    return "".join(part + (f"${number}" if number <= count else "") for number, part in enumerate(parts, 1))


def _new_name(sql: str) -> str:
    # A new name for every attempt: one that failed part-way may or may not have been prepared.
    return f"echo_{hashlib.sha256(sql.encode()).hexdigest()[:16]}_{next(_NAMES)}"


def _execute(name: str, params: Sequence) -> str:
    return f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"


def run_together(statements: Sequence[tuple[str, Sequence]], *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Several statements in one round trip, each planned once per connection (PostgreSQL only), and the rows of the
    last. Outside a transaction PostgreSQL runs them as one, committed when the last has run (what a message of
    several statements is); inside one they are part of it.

    A statement run here for the first time on the connection goes as PREPARE and EXECUTE in the same message. If
    the message fails, the statements it was preparing get new names next time; if a kept name had gone stale (see
    above), every name it used is forgotten, and outside a transaction the message is sent again at once, freshly
    prepared (nothing of a failed message was committed). Each statement's parameters must have types PostgreSQL
    can infer from where they stand (a column compared or assigned), or be cast in the SQL.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotImplementedError("run_together sends several statements in one message: PostgreSQL only")
    for attempt in (1, 2):
        with connection.cursor() as cursor:
            prepared = connection.__dict__.setdefault("prepared_statements", {})
            parts, values, preparing = [], [], []
            for sql, params in statements:
                name = prepared.get(sql)
                if name is None:
                    name = _new_name(sql)
                    parts.append(f"PREPARE {name} AS {_numbered(sql, len(params))}")
                    preparing.append(sql)
                    prepared[sql] = name
                parts.append(_execute(name, params))
                values += params
            try:
                cursor.execute("; ".join(parts), values)
                return cursor.fetchall()
            except DatabaseError as error:
                stale = getattr(error.__cause__, "pgcode", None) in _STALE
                for sql in preparing if not stale else [sql for sql, _ in statements]:
                    prepared.pop(sql, None)
                if not stale or attempt == 2 or connection.in_atomic_block:
                    raise
    raise AssertionError("unreachable")  # pragma: no cover


def fetch_all(sql: str, params: Sequence = (), *, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """`cursor.execute(sql, params)` then `fetchall()`, the statement planned once per connection on PostgreSQL."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        prepared = connection.__dict__.setdefault("prepared_statements", {})
        placeholders = ", ".join(["%s"] * len(params))
        name = prepared.get(sql)
        if name is not None:
            try:
                cursor.execute(f"EXECUTE {name}({placeholders})" if params else f"EXECUTE {name}", params)
                return cursor.fetchall()
            except DatabaseError as error:
                if getattr(error.__cause__, "pgcode", None) not in _STALE:
                    raise
                del prepared[sql]
                if connection.in_atomic_block:
                    raise
        numbered = _numbered(sql, len(params))
        name = _new_name(sql)
        cursor.execute(f"PREPARE {name} AS {numbered}; {_execute(name, params)}", params)
        prepared[sql] = name
        return cursor.fetchall()
