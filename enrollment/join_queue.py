"""Reads of requests to join a series by approval: the reviewers' queue of a hub, and a clinician's own requests.

The hub functions take a hub the caller obtained through `hubs.scoping` (which checked the signed-in user may
see it) and return only requests to that hub's own series.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.choices import PracticeSetting
from core.i18n import localized
from hubs.models import Hub, SpokeMembership
from series.models import Series

from .models import JoinRequest
from .registration import with_registration_facts

RECENT_DECISIONS = 20


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def profile_facts(user, *, spokes: Iterable[str] = ()) -> list[Fact]:
    """What reviewers see of the person asking: their profile as they wrote it, and their spokes in this hub."""
    settings_labels = dict(PracticeSetting.choices)
    facts = [
        Fact(_("Profession"), user.get_profession_display() or "—"),
        Fact(
            _("Practice settings"),
            "; ".join(str(settings_labels.get(value, value)) for value in (user.practice_settings or [])) or "—",
        ),
        Fact(_("Province or territory"), user.get_province_display() or "—"),
        Fact(_("Organisation"), user.organisation or "—"),
        Fact(_("Rural or remote practice"), _("Yes") if user.rural_remote else _("No")),
    ]
    spokes = list(spokes)
    if spokes:
        facts.append(Fact(_("Spoke"), "; ".join(spokes)))
    return facts


def _with_people(queryset: QuerySet[JoinRequest], hub: Hub) -> QuerySet[JoinRequest]:
    memberships = SpokeMembership.objects.filter(spoke__hub=hub, status=SpokeMembership.Status.ACTIVE).select_related(
        "spoke"
    )
    return queryset.select_related("user", "series").prefetch_related(
        Prefetch("user__spoke_memberships", queryset=memberships, to_attr="spokes_here")
    )


def requests_in_hub(*, hub: Hub) -> QuerySet[JoinRequest]:
    """Every request to one of the hub's series: what the hub's reviewers may look up and decide."""
    return JoinRequest.objects.filter(series__hub=hub)


def pending_for_hub(*, hub: Hub, series_id: int | None = None) -> list[JoinRequest]:
    """Requests waiting for a decision on the hub's series, first asked first, each with `facts`: three queries."""
    rows = requests_in_hub(hub=hub).filter(state=JoinRequest.State.PENDING)
    if series_id is not None:
        rows = rows.filter(series_id=series_id)
    requests = list(_with_people(rows, hub).order_by("requested_at", "pk"))
    for join_request in requests:
        join_request.facts = profile_facts(
            join_request.user, spokes=[membership.spoke.name for membership in join_request.user.spokes_here]
        )
    return requests


def pending_count_for_hub(*, hub: Hub) -> int:
    return requests_in_hub(hub=hub).filter(state=JoinRequest.State.PENDING).count()


def recent_decisions_for_hub(*, hub: Hub, limit: int = RECENT_DECISIONS) -> list[JoinRequest]:
    return list(
        requests_in_hub(hub=hub)
        .filter(decided_at__isnull=False)
        .exclude(state=JoinRequest.State.PENDING)
        .select_related("user", "series", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def series_taking_requests(*, hub: Hub) -> QuerySet[Series]:
    """The hub's series by approval, with their places left (for the reviewers' "how full is it")."""
    return with_registration_facts(
        Series.objects.filter(hub=hub, registration_mode=Series.RegistrationMode.APPROVAL).exclude(
            status=Series.Status.ARCHIVED
        )
    ).order_by(localized("title"), "pk")


def shown_requests_of(*, user) -> QuerySet[JoinRequest]:
    """The clinician's requests still waiting, and those declined: what My learning lists."""
    return JoinRequest.objects.filter(user=user, state__in=[JoinRequest.State.PENDING, JoinRequest.State.DECLINED])


def shown_requests_sql(*, user) -> tuple[str, list]:
    """`shown_requests_of` as a SELECT in SQL, for `queries.my_learning` (My learning asks whether there are any on
    every visit, in its one query)."""
    table = connection.ops.quote_name(JoinRequest._meta.db_table)
    shown = [JoinRequest.State.PENDING.value, JoinRequest.State.DECLINED.value]
    return f"SELECT 1 FROM {table} WHERE user_id = %s AND state IN (%s, %s)", [user.pk, *shown]  # noqa: S608


def requests_of(*, user) -> list[JoinRequest]:
    """`shown_requests_of` with their series, newest first, for My learning: one query."""
    return list(shown_requests_of(user=user).select_related("series").order_by("-requested_at", "-pk"))


def request_for(*, user, series) -> JoinRequest | None:
    return JoinRequest.objects.filter(user=user, series=series).first()
