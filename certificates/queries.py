"""Reads of a learner's documents, for My learning."""

from django.db import connection
from django.db.models import Count, QuerySet, Sum

from enrollment.participation import Period
from hubs.models import Hub
from hubs.scoping import member_ids_subquery

from .models import Certificate


def documents_of(*, user) -> QuerySet[Certificate]:
    """The learner's documents, newest first, with their series: 1 query."""
    return Certificate.objects.filter(user=user).select_related("series").order_by("-issued_at", "pk")


def documents_sql(*, user) -> tuple[str, list]:
    """`documents_of` as a SELECT in SQL, for `enrollment.queries.my_learning` (My learning asks whether there
    are any on every visit, in its one query)."""
    table = connection.ops.quote_name(Certificate._meta.db_table)
    return f"SELECT 1 FROM {table} WHERE user_id = %s", [user.pk]  # noqa: S608 (the table name is the model's)


def credits_earned_by_members(*, hub: Hub, period: Period) -> dict:
    """Valid documents first issued in the period to the hub's active members, with their credits, by series.

    Two queries; credits are those under each series' first accreditation, as printed on the documents.
    """
    starts, ends = period.bounds()
    rows = Certificate.objects.valid().filter(
        user_id__in=member_ids_subquery(hub), first_issued_at__gte=starts, first_issued_at__lt=ends
    )
    counts = {"people": Count("user_id", distinct=True), "documents": Count("pk"), "credits": Sum("credits")}
    totals = rows.aggregate(**counts)
    by_series = list(rows.values("series_id", "series__title").annotate(**counts).order_by("-credits", "series__title"))
    return {"totals": totals, "by_series": by_series}
