"""What hubs keep about a person: their roles in hubs, their spokes, invitations sent to them or by them."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import HubMembership, SpokeInvitation, SpokeMembership


def _invitations(user):
    return SpokeInvitation.objects.filter(Q(email__iexact=user.email) | Q(used_by=user))


def export(user) -> dict:
    return {
        "hub_roles": rows(HubMembership.objects.filter(user=user), ["hub__name", "role", "created_at"]),
        "spoke_memberships": rows(SpokeMembership.objects.filter(user=user), ["spoke__name", "status", "created_at"]),
        "spoke_invitations": rows(_invitations(user), ["spoke__name", "email", "created_at", "used_at"]),
    }


def erase(user) -> None:
    HubMembership.objects.filter(user=user).delete()
    _invitations(user).delete()
    SpokeInvitation.objects.filter(invited_by=user).update(invited_by=None)


PROVIDER = Provider(
    label=_("Hubs and spokes"),
    models=(HubMembership, SpokeMembership, SpokeInvitation),
    export=export,
    erase=erase,
    erases=_("Your roles in hubs and the invitations sent to you."),
    keeps=_("Your spoke membership stays on the anonymous record, so the hub's figures do not change."),
)
