"""Who attended a session: the one definition evaluations and the reach figures share, in SQL.

It is the series' rule, as `Series.counts_as_attended` says it for one registration: some minutes were
recorded and, where the series sets them, at least its minimum minutes and at least its minimum share of
the session's length. Everything that counts attendance in a query filters through `attended_q`, so the
figures and the certificates never disagree about who attended.
"""

from django.db.models import F, FloatField, Func, Q
from django.db.models.lookups import GreaterThanOrEqual


class SessionMinutes(Func):
    """A session's length in whole minutes, computed by the database as `Session.duration_minutes` does."""

    output_field = FloatField()

    def __init__(self, prefix: str = ""):
        super().__init__(F(f"{prefix}session__ends_at"), F(f"{prefix}session__starts_at"))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 60)",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER) / 60)",
            arg_joiner=") - julianday(",
            **extra,
        )


def attended_q(prefix: str = "") -> Q:
    """Registrations that count as attended; `prefix` reaches them from another model ("registrations__")."""
    minutes = F(f"{prefix}attended_minutes")
    series = f"{prefix}session__series__"
    enough_minutes = Q(**{f"{series}attendance_minimum_minutes__isnull": True}) | Q(
        **{f"{prefix}attended_minutes__gte": F(f"{series}attendance_minimum_minutes")}
    )
    enough_share = Q(**{f"{series}attendance_minimum_percent__isnull": True}) | Q(
        GreaterThanOrEqual(minutes * 100, F(f"{series}attendance_minimum_percent") * SessionMinutes(prefix))
    )
    return Q(**{f"{prefix}attended_minutes__gt": 0}) & enough_minutes & enough_share
