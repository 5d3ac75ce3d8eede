"""The hubs a signed-in person holds a role in, for the "Manage <hub>" links on every page, from the cache.

Every page's header shows those links, so reading them from the database was a query on each request of
every signed-in user, though roles change a few times a year. They are kept per person and language
(hub names are translated) and all dropped at once whenever a hub or a hub role changes (saved or deleted,
whatever changed it: admin, the hub's own pages, `set_hub_role`): a role just granted shows on the next page.
What a person may do in a hub is never decided from here: the hub portal checks the role in the database
with every query (scoping.py); this only says which links to show.
"""

from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.utils import translation

from core.versioned_cache import Family

from . import scoping
from .models import Hub, HubMembership

ROLES = Family("hub-roles", shared=True)  # every signed-in page's header reads it
TIMEOUT_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class HubRole:
    pk: int
    slug: str
    name: str
    viewer_role: str

    @property
    def viewer_role_label(self) -> str:
        return HubMembership.Role(self.viewer_role).label

    @property
    def viewer_is_manager(self) -> bool:
        return self.viewer_role == HubMembership.Role.MANAGER


def hub_roles(user) -> list[HubRole]:
    """The hubs `user` has a role in, by name, with the role (none for anonymous or inactive users)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []

    def read() -> list[HubRole]:
        return [HubRole(hub.pk, hub.slug, hub.name, hub.viewer_role) for hub in scoping.hub_roles_of(user)]

    key = f"hub-roles:{translation.get_language()}:{user.pk}"
    return ROLES.get_or_compute(key, read, timeout=TIMEOUT_SECONDS)


def _changed(sender, **kwargs) -> None:
    ROLES.invalidate()


for _model in (Hub, HubMembership):
    post_save.connect(_changed, sender=_model, dispatch_uid=f"hub-roles:{_model.__name__}:save")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"hub-roles:{_model.__name__}:delete")
