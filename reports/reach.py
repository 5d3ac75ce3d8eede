"""The programme's reach over a period: participations, participants, sessions, newcomers, and who they are.

A participation is an attended registration (as `enrollment.attended` says) of a session that started in
the period and was not cancelled; the national figures count every one, a hub's only its spokes' active
members'. Each table is one SQL query (aggregate or values/annotate), so the number of queries does not
grow with the number of registrations.

Privacy: a breakdown row naming fewer than five people shows "fewer than 5" instead of its counts
(`SMALL_CELL`); the totals and the monthly trend, which name no group, show their numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.choices import Language, PracticeSetting, Profession, Province
from enrollment.attended import attended_q
from enrollment.models import Registration
from enrollment.participation import Period
from hubs.models import Hub, SpokeMembership
from hubs.scoping import member_ids_subquery
from sessions.models import Session

SMALL_CELL = 5


@dataclass(frozen=True)
class Row:
    label: str
    participations: int
    participants: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.participants < SMALL_CELL


@dataclass
class Table:
    key: str
    title: str
    heading: str
    rows: list[Row] = field(default_factory=list)
    # People can be counted in several rows (two practice settings, two spokes): the rows do not add up.
    overlapping: bool = False

    @property
    def largest(self) -> int:
        return max((row.participations for row in self.rows if not row.suppressed), default=0)


@dataclass(frozen=True)
class Totals:
    participations: int
    participants: int
    sessions: int
    new_participants: int
    rural_participants: int

    @property
    def rural_percent(self) -> int | None:
        return round(100 * self.rural_participants / self.participants) if self.participants else None


@dataclass(frozen=True)
class Month:
    month: dt.date
    participations: int
    participants: int


@dataclass
class Reach:
    period: Period
    hub: Hub | None
    totals: Totals
    tables: list[Table]
    trend: list[Month]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def participations(*, period: Period, hub: Hub | None = None) -> QuerySet[Registration]:
    """Attended registrations of sessions that started within `period`, of the hub's members when given."""
    start, end = period.bounds()
    rows = Registration.objects.filter(
        attended_q(),
        session__status=Session.Status.SCHEDULED,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    )
    if hub is not None:
        rows = rows.filter(user_id__in=member_ids_subquery(hub))
    return rows


def participation_span(*, hub: Hub | None = None) -> tuple[dt.date, dt.date] | None:
    """The days of the first and the last participation ever (of the hub's members), or None (one query)."""
    rows = Registration.objects.filter(attended_q(), session__status=Session.Status.SCHEDULED)
    if hub is not None:
        rows = rows.filter(user_id__in=member_ids_subquery(hub))
    span = rows.aggregate(first=Min("session__starts_at"), last=Max("session__starts_at"))
    if span["first"] is None:
        return None
    return timezone.localdate(span["first"]), timezone.localdate(span["last"])


def _counts() -> dict:
    return {"participations": Count("pk"), "participants": Count("user_id", distinct=True)}


def _totals(rows: QuerySet[Registration], *, period: Period, hub: Hub | None) -> Totals:
    """Two queries: the period's counts, then how many people first participated in it."""
    counts = rows.aggregate(
        **_counts(),
        sessions=Count("session_id", distinct=True),
        rural_participants=Count("user_id", distinct=True, filter=Q(user__rural_remote=True)),
    )
    start, end = period.bounds()
    everyone = Registration.objects.filter(attended_q(), session__status=Session.Status.SCHEDULED)
    if hub is not None:
        everyone = everyone.filter(user_id__in=member_ids_subquery(hub))
    newcomers = (
        everyone.values("user_id")
        .annotate(first=Min("session__starts_at"))
        .filter(first__gte=start, first__lt=end)
        .count()
    )
    return Totals(new_participants=newcomers, **counts)


def _by(rows: QuerySet[Registration], lookup: str, labels: dict, *, empty: str) -> list[Row]:
    result = [
        Row(
            label=str(labels.get(row[lookup], row[lookup])) if row[lookup] not in ("", None) else empty,
            **_counts_of(row),
        )
        for row in rows.values(lookup).annotate(**_counts()).order_by("-participations", lookup)
    ]
    return result


def _counts_of(row: dict) -> dict:
    return {"participations": row["participations"], "participants": row["participants"]}


def _by_named(rows: QuerySet[Registration], id_lookup: str, name_lookup: str) -> list[Row]:
    return [
        Row(label=row[name_lookup], **_counts_of(row))
        for row in rows.values(id_lookup, name_lookup).annotate(**_counts()).order_by("-participations", name_lookup)
    ]


def _by_practice_setting(rows: QuerySet[Registration]) -> list[Row]:
    """A profile lists several settings (a JSON list): one query of filtered counts, one pair per setting."""
    counts = {}
    for value, _label in PracticeSetting.choices:
        member = Q(user__practice_settings__icontains=f'"{value}"')
        counts[f"{value}__participations"] = Count("pk", filter=member)
        counts[f"{value}__participants"] = Count("user_id", distinct=True, filter=member)
    counts["none__participations"] = Count("pk", filter=Q(user__practice_settings=[]))
    counts["none__participants"] = Count("user_id", distinct=True, filter=Q(user__practice_settings=[]))
    totals = rows.aggregate(**counts)
    labelled = [*PracticeSetting.choices, ("none", gettext_lazy("Not given"))]
    result = [
        Row(label=str(label), participations=totals[f"{v}__participations"], participants=totals[f"{v}__participants"])
        for v, label in labelled
        if totals[f"{v}__participations"]
    ]
    return sorted(result, key=lambda row: -row.participations)


def _by_spoke(rows: QuerySet[Registration], *, hub: Hub | None) -> list[Row]:
    """The spokes the participants are active members of (a person in two spokes counts in each)."""
    in_spoke = Q(user__spoke_memberships__status=SpokeMembership.Status.ACTIVE)
    if hub is not None:
        in_spoke &= Q(user__spoke_memberships__spoke__hub=hub)
    named = rows.filter(in_spoke).values(
        "user__spoke_memberships__spoke_id",
        "user__spoke_memberships__spoke__name",
        "user__spoke_memberships__spoke__hub__name",
    )
    result = []
    for row in named.annotate(**_counts()).order_by("-participations", "user__spoke_memberships__spoke__name"):
        label = row["user__spoke_memberships__spoke__name"]
        if hub is None:
            label = f"{label} ({row['user__spoke_memberships__spoke__hub__name']})"
        result.append(Row(label=label, **_counts_of(row)))
    return result


def _first_day(value: dt.date | dt.datetime, zone) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, zone).date().replace(day=1)
    return value.replace(day=1)


def _trend(rows: QuerySet[Registration], *, period: Period) -> list[Month]:
    """Every month of the period, with zeroes where nothing happened (one query)."""
    zone = timezone.get_current_timezone()
    monthly = rows.annotate(month=TruncMonth("session__starts_at", tzinfo=zone)).values("month").annotate(**_counts())
    found = {_first_day(row["month"], zone): row for row in monthly.order_by("month")}
    months = []
    cursor = period.start.replace(day=1)
    while cursor <= period.end:
        row = found.get(cursor, {"participations": 0, "participants": 0})
        months.append(Month(month=cursor, **_counts_of(row)))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    return months


def reach(*, period: Period, hub: Hub | None = None) -> Reach:
    """Every figure of the dashboard: twelve queries, whatever the number of registrations."""
    rows = participations(period=period, hub=hub)
    not_given = _("Not given")
    tables = [
        Table(
            "profession",
            _("By profession"),
            _("Profession"),
            _by(rows, "user__profession", dict(Profession.choices), empty=not_given),
        ),
        Table(
            "province",
            _("By province or territory"),
            _("Province or territory"),
            _by(rows, "user__province", dict(Province.choices), empty=not_given),
        ),
        Table("setting", _("By practice setting"), _("Practice setting"), _by_practice_setting(rows), overlapping=True),
        Table(
            "rural",
            _("Rural or remote practice"),
            _("Practice"),
            _by(
                rows, "user__rural_remote", {True: _("Rural or remote"), False: _("Urban or not said")}, empty=not_given
            ),
        ),
        Table(
            "hub",
            _("By hub of the series"),
            _("Hub"),
            _by_named(rows, "session__series__hub_id", "session__series__hub__name"),
        ),
        Table("spoke", _("By spoke"), _("Spoke"), _by_spoke(rows, hub=hub), overlapping=True),
        Table(
            "language",
            _("By language of the session"),
            _("Language"),
            _by(rows, "session__series__language", dict(Language.choices), empty=not_given),
        ),
        Table("series", _("By series"), _("Series"), _by_named(rows, "session__series_id", "session__series__title")),
    ]
    return Reach(
        period=period,
        hub=hub,
        totals=_totals(rows, period=period, hub=hub),
        tables=tables,
        trend=_trend(rows, period=period),
    )


def headline(totals: Totals) -> str:
    """The sentence the programme publishes: "N participations across M sessions; K % of participants practise in
    rural or remote communities", in the viewer's language, its numbers grouped as that language writes them."""
    if not totals.participations:
        return _("No participation was recorded in this period.")
    participations = ngettext("%(count)s participation", "%(count)s participations", totals.participations) % {
        "count": number_format(totals.participations, force_grouping=True)
    }
    sessions = ngettext("%(count)s session", "%(count)s sessions", totals.sessions) % {
        "count": number_format(totals.sessions, force_grouping=True)
    }
    return _(
        "%(participations)s across %(sessions)s; %(percent)s %% of participants practise in rural or remote "
        "communities."
    ) % {"participations": participations, "sessions": sessions, "percent": totals.rural_percent}
