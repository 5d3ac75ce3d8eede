"""Reads for the hub portal. Every function starts from a queryset or hub that `hubs.scoping` handed out."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from core.i18n import localized

from .models import Hub, Spoke, SpokeInvitation, SpokeMembership

ACTIVE = SpokeMembership.Status.ACTIVE
REQUESTED = SpokeMembership.Status.REQUESTED


def with_member_counts(spokes: QuerySet[Spoke]) -> QuerySet[Spoke]:
    return spokes.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=ACTIVE)),
        request_count=Count("memberships", filter=Q(memberships__status=REQUESTED)),
    ).order_by("archived_at", "name")


def members_with_spokes(members: QuerySet, *, hub: Hub, spoke: Spoke | None = None) -> QuerySet:
    """People (already scoped to the hub) with their active memberships in this hub's spokes, in two queries."""
    hub_memberships = SpokeMembership.objects.filter(spoke__hub=hub, status=ACTIVE).select_related("spoke")
    if spoke is not None:
        members = members.filter(spoke_memberships__spoke=spoke, spoke_memberships__status=ACTIVE)
    return members.prefetch_related(
        Prefetch("spoke_memberships", queryset=hub_memberships.order_by("spoke__name"), to_attr="spokes_here")
    ).order_by("last_name", "first_name", "email")


def pending_requests(memberships: QuerySet[SpokeMembership]) -> QuerySet[SpokeMembership]:
    return memberships.filter(status=REQUESTED).select_related("user", "spoke").order_by("created_at", "pk")


RECENT_INVITATIONS = 100


def recent_invitations(invitations: QuerySet[SpokeInvitation]) -> list[SpokeInvitation]:
    """The hub's latest invitations, answered or not, each with its state: newest first."""
    return list(invitations.select_related("spoke").order_by("-created_at", "-pk")[:RECENT_INVITATIONS])


def pending_invitations_for(*, user) -> QuerySet[SpokeInvitation]:
    """Invitations sent to one of the user's confirmed addresses and not answered yet (nor expired)."""
    from allauth.account.models import EmailAddress

    confirmed = EmailAddress.objects.filter(user=user, verified=True).annotate(lower=Lower("email")).values("lower")
    return (
        SpokeInvitation.objects.alias(lower=Lower("email"))
        .filter(
            lower__in=confirmed,
            used_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=timezone.now(),
            spoke__archived_at__isnull=True,
        )
        .select_related("spoke__hub")
        .order_by("-created_at", "-pk")
    )


def joinable_spokes(*, hub: Hub) -> QuerySet[Spoke]:
    """What a clinician may ask to join: the hub's spokes that are not archived (the hub is public)."""
    return Spoke.objects.filter(hub=hub, archived_at__isnull=True).order_by("name")


def own_memberships(*, user, hub: Hub) -> dict[int, SpokeMembership]:
    rows = SpokeMembership.objects.filter(user=user, spoke__hub=hub)
    return {row.spoke_id: row for row in rows}


def invitation_by_token(token: str) -> SpokeInvitation | None:
    return SpokeInvitation.objects.select_related("spoke__hub").filter(token=token).first()


def memberships_of(*, user) -> QuerySet[SpokeMembership]:
    """A clinician's own spokes, in every hub, with the hub for the links."""
    return (
        SpokeMembership.objects.filter(user=user)
        .select_related("spoke__hub")
        .order_by(localized("name", through="spoke__hub"), "spoke__name")
    )


def hubs_with_joinable_spokes() -> QuerySet[Hub]:
    return (
        Hub.objects.filter(is_active=True)
        .annotate(open_spokes=Count("spokes", filter=Q(spokes__archived_at__isnull=True)))
        .filter(open_spokes__gt=0)
        .order_by(localized("name"))
    )
