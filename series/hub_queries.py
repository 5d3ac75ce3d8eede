"""Reads for the public hub pages (/hubs/ and /hubs/<slug>/): fixed query counts, no personal data.

They count each hub's published series, so they live in `series`, above `hubs`.
"""

from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core.i18n import localized
from hubs.models import Hub, Spoke

from .models import Series


def _count(queryset) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.order_by().values("hub").annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


def public_hubs() -> QuerySet[Hub]:
    """Active hubs with how many current spokes and published series each has (subqueries: one query)."""
    return (
        Hub.objects.filter(is_active=True)
        .annotate(
            spoke_count=_count(Spoke.objects.filter(hub=OuterRef("pk"), archived_at__isnull=True)),
            series_count=_count(
                Series.objects.published()
                .exclude(registration_mode=Series.RegistrationMode.INVITATION)
                .filter(hub=OuterRef("pk"))
            ),
        )
        .order_by(localized("name"))
    )


def spoke_kinds_by_hub(hubs: list[Hub]) -> dict[int, list[tuple[str, int]]]:
    """{hub id: [(kind label, how many), …]} for current spokes, in one query."""
    labels = dict(Spoke.Kind.choices)
    rows = (
        Spoke.objects.filter(hub__in=[hub.pk for hub in hubs], archived_at__isnull=True)
        .order_by()
        .values("hub_id", "kind")
        .annotate(n=Count("pk"))
        .order_by("hub_id", "-n", "kind")
    )
    kinds: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in rows:
        kinds[row["hub_id"]].append((str(labels.get(row["kind"], row["kind"])), row["n"]))
    return kinds


def hubs_with_spoke_kinds() -> list[Hub]:
    """The hub list page: 2 queries (hubs with counts, then every hub's spoke kinds)."""
    hubs = list(public_hubs())
    kinds = spoke_kinds_by_hub(hubs)
    for hub in hubs:
        hub.spoke_kinds = kinds.get(hub.pk, [])
    return hubs


def public_hub(*, slug: str) -> Hub | None:
    """One active hub with its spoke kinds: 2 queries."""
    hub = public_hubs().filter(slug=slug).first()
    if hub is not None:
        hub.spoke_kinds = spoke_kinds_by_hub([hub]).get(hub.pk, [])
    return hub
