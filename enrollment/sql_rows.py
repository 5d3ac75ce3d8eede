"""Model instances from a query written in SQL, as the ORM would have made them.

For the reads that run on every visit to a personal page (My learning): Django spends far longer building and
compiling such a query (joins, `only()`, `select_related`) than the database spends answering it, while making the
instances from the rows is cheap. So the SQL is written once per process and the rows become instances the way the
ORM's own iterator makes them: `Model.from_db` with the loaded fields in the model's order, each value through the
database backend's and the field's converters (SQLite returns dates as text), related instances cached on the
foreign key as `select_related` caches them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model


@dataclass(frozen=True)
class Columns:
    """The fields of `model` a query loads, under the table alias `alias`, in the order `Model.from_db` reads them."""

    model: type[Model]
    alias: str
    fields: tuple[Field, ...]

    @classmethod
    def of(cls, model: type[Model], alias: str, attnames: Iterable[str]) -> Columns:
        wanted = set(attnames)
        fields = tuple(field for field in model._meta.concrete_fields if field.attname in wanted)
        missing = wanted - {field.attname for field in fields}
        if missing:
            raise ValueError(f"{model.__name__} has no columns {sorted(missing)}")
        return cls(model, alias, fields)

    @property
    def table(self) -> str:
        return connection.ops.quote_name(self.model._meta.db_table)

    def column(self, attname: str) -> str:
        """`alias."column"` of one field, for the query's joins, conditions and ordering."""
        field = self.model._meta.get_field(attname)
        return f"{self.alias}.{connection.ops.quote_name(field.column)}"

    def select(self) -> str:
        return ", ".join(f"{self.alias}.{connection.ops.quote_name(field.column)}" for field in self.fields)


def converted(rows: list[tuple], parts: list[Columns]) -> list[tuple]:
    """The rows (the columns of `parts` one after the other, as `Columns.select` lists them) with each value through
    the database backend's and the field's converters, as the ORM reads them (none on PostgreSQL for these fields:
    the rows come back as they are)."""
    converters = _converters(tuple(parts))
    if not converters:
        return rows
    done = []
    for row in rows:
        row = list(row)
        for at, functions, column in converters:
            value = row[at]
            for function in functions:
                value = function(value, column, connection)
            row[at] = value
        done.append(tuple(row))
    return done


def _converters(parts: tuple[Columns, ...]) -> list[tuple[int, list, object]]:
    """Where a row of these parts has values to convert, with the converters and the column, as `converted` applies
    them: looked up once per database connection (they are the backend's and the fields', and My learning reads the
    same parts on every visit)."""
    # The connection itself, not the `connection` proxy (one for the whole process) that resolves to it per thread.
    kept = connections[DEFAULT_DB_ALIAS].__dict__.setdefault("sql_rows_converters", {})
    if parts not in kept:
        converters = []
        position = 0
        for part in parts:
            for field in part.fields:
                column = field.get_col(part.alias)
                found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
                if found:
                    converters.append((position, found, column))
                position += 1
        kept[parts] = converters
    return kept[parts]


def position(parts: list[Columns], model: type[Model], attname: str) -> int:
    """Where the column of `model`'s field `attname` is in a row of these parts."""
    start = 0
    for part in parts:
        if part.model is model:
            return start + [field.attname for field in part.fields].index(attname)
        start += len(part.fields)
    raise ValueError(f"no part of {model.__name__}")


def made(rows: list[tuple], parts: list[Columns]) -> list[list[Model]]:
    """Each row from `converted` as one instance of each part's model: the same instances the ORM makes from
    those fields."""
    names = [{field.attname for field in part.fields} for part in parts]
    db = connection.alias
    result = []
    for row in rows:
        objects, start = [], 0
        for part, loaded in zip(parts, names, strict=True):
            end = start + len(part.fields)
            objects.append(part.model.from_db(db, loaded, row[start:end]))
            start = end
        result.append(objects)
    return result


def instances(rows: list[tuple], parts: list[Columns]) -> list[list[Model]]:
    """Each row (the columns of `parts` one after the other, as `Columns.select` lists them) as one instance of each
    part's model: the same instances the ORM makes from those fields."""
    return made(converted(rows, parts), parts)
