"""The one place hub permissions live.

Every query the hub portal (and the hub managers' admin) makes for hub-scoped
data goes through these functions. They take the signed-in user and filter by
the hub memberships that user holds, in the same query as the data, so an
object of another hub is indistinguishable from one that does not exist: 404.

Managers can do everything in their hub's portal; facilitators only see
(dashboard, members, export).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.http import Http404

from .models import Hub, HubMembership, Spoke, SpokeInvitation, SpokeMembership

MANAGE = (HubMembership.Role.MANAGER,)
VIEW = (HubMembership.Role.MANAGER, HubMembership.Role.FACILITATOR)
# Programme staff who see every hub (superusers, or staff holding it).
NATIONAL_PERMISSION = "hubs.view_all_hubs"


@dataclass(frozen=True)
class AdminScope:
    """How a model's rows belong to a hub, and what its hub managers may do with them in Django admin."""

    hub_lookup: str | None  # the ORM path from the model to its Hub; None for rows shared by all hubs
    manager_actions: tuple[str, ...] = ()  # "view", "add", "change", "delete"


# Filled once per model by the admin classes that show it (HubScopedAdminMixin and HubManagerAccess).
ADMIN_SCOPES: dict[str, tuple[type, AdminScope]] = {}


def declare_admin_scope(model, scope: AdminScope) -> None:
    ADMIN_SCOPES[model._meta.label_lower] = (model, scope)


def hub_lookup_for(model) -> str | None:
    """The path from `model` to its hub, if an admin declared one (foreign-key choices are limited through it)."""
    declared = ADMIN_SCOPES.get(model._meta.label_lower)
    return declared[1].hub_lookup if declared else None


def hub_manager_permissions() -> dict[str, list[str]]:
    """The admin permissions of the "Hub managers" group, by app label, from every declared scope."""
    permissions: dict[str, list[str]] = {}
    for model, scope in ADMIN_SCOPES.values():
        permissions.setdefault(model._meta.app_label, []).extend(
            f"{action}_{model._meta.model_name}" for action in scope.manager_actions
        )
    return permissions


def is_national_staff(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or (user.is_staff and user.has_perm(NATIONAL_PERMISSION)))
    )


def is_hub_staff(user, hub_id: int) -> bool:
    """Programme staff, or a manager or facilitator of this hub: who may see its drafts and every material."""
    if is_national_staff(user):
        return True
    return managed_hubs(user).filter(pk=hub_id).exists()


def _hub_q(prefix: str, *, user, hub: Hub | None, roles: Iterable[str]) -> Q:
    """Rows whose hub (reached through `prefix`) is `hub` and is held by `user` in one of `roles`."""
    lead = f"{prefix}__" if prefix else ""
    condition = Q(
        **{
            f"{lead}memberships__user": user,
            f"{lead}memberships__role__in": list(roles),
            f"{lead}is_active": True,
        }
    )
    if hub is not None:
        condition &= Q(**{prefix or "pk": hub if prefix else hub.pk})
    return condition


def managed_hubs(user, *, roles: Iterable[str] = VIEW) -> QuerySet[Hub]:
    """The active hubs `user` holds one of `roles` in (none for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Hub.objects.none()
    return Hub.objects.filter(_hub_q("", user=user, hub=None, roles=roles))


def get_managed_hub_or_404(user, slug: str, *, roles: Iterable[str]) -> Hub:
    """The hub, with `viewer_role` (the user's role in it) read in the same query."""
    hub = managed_hubs(user, roles=roles).filter(slug=slug).annotate(viewer_role=F("memberships__role")).first()
    if hub is None:
        raise Http404("No such hub among the ones you manage.")
    return hub


def hub_roles_of(user) -> QuerySet[Hub]:
    """The hubs `user` has a role in, by name, each with `viewer_role`: where "Manage <hub>" links lead."""
    return managed_hubs(user).annotate(viewer_role=F("memberships__role")).only("name", "slug").order_by("name")


def spokes(user, hub: Hub, *, roles: Iterable[str] = VIEW) -> QuerySet[Spoke]:
    if not getattr(user, "is_authenticated", False):
        return Spoke.objects.none()
    return Spoke.objects.filter(_hub_q("hub", user=user, hub=hub, roles=roles))


def get_spoke_or_404(user, hub: Hub, spoke_id, *, roles: Iterable[str] = MANAGE) -> Spoke:
    spoke = spokes(user, hub, roles=roles).filter(pk=spoke_id).first()
    if spoke is None:
        raise Http404("No such spoke in this hub.")
    return spoke


def memberships(user, hub: Hub, *, roles: Iterable[str] = VIEW) -> QuerySet[SpokeMembership]:
    if not getattr(user, "is_authenticated", False):
        return SpokeMembership.objects.none()
    return SpokeMembership.objects.filter(_hub_q("spoke__hub", user=user, hub=hub, roles=roles))


def get_membership_or_404(
    user, hub: Hub, membership_id, *, roles: Iterable[str] = MANAGE, status: str | None = None
) -> SpokeMembership:
    rows = memberships(user, hub, roles=roles).select_related("spoke", "user").filter(pk=membership_id)
    if status is not None:
        rows = rows.filter(status=status)
    membership = rows.first()
    if membership is None:
        raise Http404("No such membership in this hub.")
    return membership


def invitations(user, hub: Hub, *, roles: Iterable[str] = MANAGE) -> QuerySet[SpokeInvitation]:
    if not getattr(user, "is_authenticated", False):
        return SpokeInvitation.objects.none()
    return SpokeInvitation.objects.filter(_hub_q("spoke__hub", user=user, hub=hub, roles=roles))


def get_invitation_or_404(user, hub: Hub, invitation_id, *, roles: Iterable[str] = MANAGE) -> SpokeInvitation:
    invitation = invitations(user, hub, roles=roles).select_related("spoke").filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation in this hub.")
    return invitation


def members(user, hub: Hub, *, roles: Iterable[str] = VIEW) -> QuerySet:
    """People with an active membership in one of the hub's spokes: the only people a hub sees."""
    if not getattr(user, "is_authenticated", False):
        return get_user_model().objects.none()
    member_ids = memberships(user, hub, roles=roles).filter(status=SpokeMembership.Status.ACTIVE).values("user_id")
    return get_user_model().objects.filter(pk__in=member_ids)


def get_member_or_404(user, hub: Hub, member_id, *, roles: Iterable[str] = VIEW):
    member = members(user, hub, roles=roles).filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member in this hub.")
    return member


def member_ids_subquery(hub: Hub) -> QuerySet[SpokeMembership]:
    """Ids of a hub's active members, for participation reads given a hub already obtained through this module."""
    return SpokeMembership.objects.filter(spoke__hub=hub, status=SpokeMembership.Status.ACTIVE).values("user_id")
