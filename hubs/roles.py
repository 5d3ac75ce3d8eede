"""Who runs a hub, and the admin access that follows from it.

A hub manager edits their hub's own programming in Django admin, where `HubScopedAdminMixin` shows
only their hubs' rows. That access is never set by hand: giving someone the manager role (the hub's
admin page, the hub memberships admin, or `manage.py set_hub_role`) makes them staff in the
"Hub managers" group, and taking the role away (or making them a facilitator) takes both away again,
unless the account has admin rights of its own (a superuser, another group, a permission given to
the person): those are programme staff, who keep their staff status.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Hub, HubMembership
from .services import HUB_MANAGERS_GROUP, grant_hub_manager_admin


def _manages_a_hub(user) -> bool:
    return user.hub_memberships.filter(role=HubMembership.Role.MANAGER).exists()


def _has_admin_rights_of_its_own(user) -> bool:
    """Staff status that does not come from managing a hub: keep it when the hub role goes."""
    return user.is_superuser or user.groups.exclude(name=HUB_MANAGERS_GROUP).exists() or user.user_permissions.exists()


@transaction.atomic
def sync_hub_admin_access(*, user) -> bool:
    """Make the user's admin access match their hub roles; True if they can use the scoped admin afterwards.

    Called after every change of a hub role, whatever made it (admin forms and inlines, the command).
    """
    if _manages_a_hub(user):
        grant_hub_manager_admin(user=user)
        return True
    user.groups.remove(*Group.objects.filter(name=HUB_MANAGERS_GROUP))
    if user.is_staff and not _has_admin_rights_of_its_own(user):
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    return False


@transaction.atomic
def set_hub_role(*, hub: Hub, user, role: str) -> HubMembership:
    """Give `user` this role in `hub` (a new membership, or a changed role), with the admin access it carries."""
    if role not in HubMembership.Role.values:
        raise ValidationError(_("Choose manager or facilitator."), code="role")
    membership, _created = HubMembership.objects.update_or_create(hub=hub, user=user, defaults={"role": role})
    sync_hub_admin_access(user=user)
    return membership


@transaction.atomic
def remove_hub_role(*, hub: Hub, user) -> bool:
    """Take away the user's role in `hub`, and the admin access it gave. True if they had one."""
    deleted, _rows = HubMembership.objects.filter(hub=hub, user=user).delete()
    sync_hub_admin_access(user=user)
    return deleted > 0
