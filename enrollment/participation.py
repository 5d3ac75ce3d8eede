"""Reads of registrations and attendance for the hub partner portal.

Each function takes a hub that the caller obtained through `hubs.scoping`
(which checked the signed-in user may see it) and returns only the
participation of that hub's active spoke members. The people are chosen by a
subquery, never by a join, so a person in two spokes of the hub is counted once.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.choices import Profession
from core.i18n import localized
from hubs.models import Hub, Spoke, SpokeMembership
from hubs.scoping import member_ids_subquery

from .models import Enrollment, Registration

ATTENDED = Q(attended_minutes__gt=0)
REGISTERED = Q(status=Registration.Status.REGISTERED)


@dataclass(frozen=True)
class Period:
    """Whole days, both ends included, in the viewer's time zone."""

    start: dt.date
    end: dt.date

    @classmethod
    def last_twelve_months(cls, *, today: dt.date | None = None) -> "Period":
        today = today or timezone.localdate()
        try:
            start = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28)
        return cls(start=start + dt.timedelta(days=1), end=today)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end


def member_registrations(*, hub: Hub, period: Period | None = None) -> QuerySet[Registration]:
    """Registrations of the hub's members, made within `period` when given."""
    rows = Registration.objects.filter(user_id__in=member_ids_subquery(hub))
    if period is not None:
        start, end = period.bounds()
        rows = rows.filter(registered_at__gte=start, registered_at__lt=end)
    return rows


def _counts() -> dict:
    return {
        "registered": Count("pk", filter=REGISTERED),
        "waitlisted": Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        "attended": Count("pk", filter=ATTENDED),
    }


def participation_summary(*, hub: Hub, period: Period) -> dict:
    """Totals and breakdowns by series, profession and setting of care (the spoke's kind). Four queries."""
    rows = member_registrations(hub=hub, period=period)
    totals = rows.aggregate(people=Count("user_id", distinct=True), **_counts())
    by_series = list(
        rows.values("session__series_id", "session__series__title")
        .annotate(people=Count("user_id", distinct=True), **_counts())
        .order_by("-registered", localized("title", through="session__series"))
    )
    profession_labels = dict(Profession.choices)
    by_profession = [
        {**row, "label": profession_labels.get(row["user__profession"], "—")}
        for row in rows.values("user__profession")
        .annotate(people=Count("user_id", distinct=True), **_counts())
        .order_by("-registered", "user__profession")
    ]
    start, end = period.bounds()
    # Setting of care comes from the spokes, so this one counts from the memberships side; a person
    # in two spokes of different kinds counts once in each.
    kind_labels = dict(Spoke.Kind.choices)
    in_period = Q(user__registrations__registered_at__gte=start, user__registrations__registered_at__lt=end)
    by_setting = [
        {**row, "label": kind_labels.get(row["spoke__kind"], row["spoke__kind"])}
        for row in SpokeMembership.objects.filter(spoke__hub=hub, status=SpokeMembership.Status.ACTIVE)
        .values("spoke__kind")
        .annotate(
            people=Count("user_id", distinct=True, filter=in_period),
            registered=Count(
                "user__registrations",
                filter=in_period & Q(user__registrations__status=Registration.Status.REGISTERED),
            ),
            attended=Count("user__registrations", filter=in_period & Q(user__registrations__attended_minutes__gt=0)),
        )
        .order_by("-registered", "spoke__kind")
    ]
    return {"totals": totals, "by_series": by_series, "by_profession": by_profession, "by_setting": by_setting}


def _with_key_used(rows: QuerySet[Registration]) -> QuerySet[Registration]:
    key_code = Enrollment.objects.filter(user_id=OuterRef("user_id"), series_id=OuterRef("session__series_id")).values(
        "key__code"
    )[:1]
    return rows.annotate(key_code=Subquery(key_code))


def registrations_of_member(*, hub: Hub, member) -> QuerySet[Registration]:
    """One member's registrations, newest session first, with the enrollment key they used (one query)."""
    rows = member_registrations(hub=hub).filter(user=member).select_related("session__series")
    return _with_key_used(rows).order_by("-session__starts_at", "-pk")


EXPORT_FIELDS = (
    "user_id",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__profession",
    "user__province",
    "session__series__title",
    "session__title",
    "session__starts_at",
    "status",
    "attended_minutes",
    "key_code",
)


def export_rows(*, hub: Hub, period: Period | None = None) -> Iterator[tuple[dict, list[str]]]:
    """Each registration of the hub's members (as a dict of EXPORT_FIELDS) with the member's spokes in this hub.

    Two queries whatever the size: the spoke names first, then the registrations streamed in chunks, read as
    plain values (building model instances costs twenty times the query for a large hub). The queryset, and
    so the period's bounds in the current time zone, is built now; rows are read as they are consumed.
    """
    rows = (
        _with_key_used(member_registrations(hub=hub, period=period))
        .order_by("session__starts_at", "user__last_name", "user__first_name", "pk")
        .values(*EXPORT_FIELDS)
    )
    return _stream(rows, hub=hub)


def _stream(rows: QuerySet, *, hub: Hub) -> Iterator[tuple[dict, list[str]]]:
    spoke_names: dict[int, list[str]] = {}
    for user_id, name in (
        SpokeMembership.objects.filter(spoke__hub=hub, status=SpokeMembership.Status.ACTIVE)
        .order_by("spoke__name")
        .values_list("user_id", "spoke__name")
    ):
        spoke_names.setdefault(user_id, []).append(name)
    for row in rows.iterator(chunk_size=2000):
        yield row, spoke_names.get(row["user_id"], [])
