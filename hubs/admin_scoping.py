"""Django admin for hub managers, restricted to their own hubs, declared once per model.

A ModelAdmin lists `HubScopedAdminMixin` first among its bases and says two things about
its model, once: `hub_lookup`, the path from the model to the hub ("hub" for Series,
"series__hub" for Session and EnrollmentKey, "session__series__hub" for Resource and
Registration), and `hub_manager_actions`, what hub managers may do with its rows
("view", "add", "change", "delete"; the "Hub managers" group is built from these). For a
hub manager its changelist then holds only their hubs' rows, another hub's change, delete
and history pages are 404, and foreign-key choices (hub, series, session, key, people) are
limited to their hubs and to the people in their spokes, through the same declarations.
Inlines list `HubScopedInlineMixin` and get the same limited choices. A model shared by
every hub (presenters) uses `HubManagerAccess` to say only what managers may do.
National staff (superusers, or staff holding `hubs.view_all_hubs`) see everything.

The hub ids come from `hubs.scoping.managed_hubs`, like every other hub query.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from core.admin_inputs import SafeAdminInputsMixin

from .models import HubMembership, SpokeMembership
from .scoping import (
    NATIONAL_PERMISSION,
    AdminScope,
    declare_admin_scope,
    hub_lookup_for,
    is_national_staff,
    managed_hubs,
)

__all__ = ["NATIONAL_PERMISSION", "HubManagerAccess", "HubScopedAdminMixin", "HubScopedInlineMixin"]


def _scoped(request) -> bool:
    return not is_national_staff(request.user)


def _hub_ids(request) -> list[int]:
    if not hasattr(request, "_admin_hub_ids"):
        request._admin_hub_ids = list(
            managed_hubs(request.user, roles=(HubMembership.Role.MANAGER,)).values_list("pk", flat=True)
        )
    return request._admin_hub_ids


def _limit_choices(request, db_field, formfield):
    """A hub manager picks only their hubs' rows, and only people of their spokes."""
    if formfield is None or not _scoped(request):
        return formfield
    related = db_field.remote_field.model
    hub_ids = _hub_ids(request)
    if related._meta.label_lower == settings.AUTH_USER_MODEL.lower():
        in_their_spokes = SpokeMembership.objects.filter(spoke__hub__in=hub_ids, status=SpokeMembership.Status.ACTIVE)
        formfield.queryset = formfield.queryset.filter(pk__in=in_their_spokes.values("user_id"))
    elif (lookup := hub_lookup_for(related)) is not None:
        formfield.queryset = formfield.queryset.filter(**{f"{lookup}__in": hub_ids})
    return formfield


class _LimitedChoices(SafeAdminInputsMixin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _limit_choices(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _limit_choices(request, db_field, super().formfield_for_manytomany(db_field, request, **kwargs))


class HubManagerAccess:
    """What hub managers may do with a model's rows in admin, for models no hub owns."""

    hub_manager_actions: tuple[str, ...] = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        declare_admin_scope(model, AdminScope(hub_lookup=None, manager_actions=tuple(self.hub_manager_actions)))


class HubScopedInlineMixin(_LimitedChoices):
    """An inline of a hub-scoped admin: its foreign-key choices are limited like the parent form's."""


class HubScopedAdminMixin(_LimitedChoices):
    hub_lookup: str = ""
    hub_manager_actions: tuple[str, ...] = ()

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        if not self.hub_lookup:
            raise ImproperlyConfigured(f"{type(self).__name__} must set hub_lookup to reach the hub from its model.")
        for inline in self.inlines:
            if not issubclass(inline, HubScopedInlineMixin):
                raise ImproperlyConfigured(
                    f"{inline.__name__} is an inline of the hub-scoped {type(self).__name__}: "
                    "list HubScopedInlineMixin first among its bases."
                )
        declare_admin_scope(model, AdminScope(hub_lookup=self.hub_lookup, manager_actions=self.hub_manager_actions))

    def _hub_ids(self, request) -> list[int]:
        return _hub_ids(request)

    def _scoped(self, request) -> bool:
        return _scoped(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self._scoped(request):
            return queryset
        # hub_lookup follows foreign keys forward, so the filter adds no duplicate rows (and no distinct(),
        # which would break the delete action).
        return queryset.filter(**{f"{self.hub_lookup}__in": self._hub_ids(request)})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self._scoped(request):
            # Admin would redirect to its index with "doesn't exist"; another hub's row is simply not found.
            raise Http404("Not found among your hub's rows.")
        return obj

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self._scoped(request):
            # A row of their hub may name someone outside their spokes (a registrant from elsewhere):
            # show who, never offer to reassign it.
            user_fields = [
                field.name
                for field in self.model._meta.concrete_fields
                if field.is_relation and field.related_model._meta.label_lower == settings.AUTH_USER_MODEL.lower()
            ]
            fields += [name for name in user_fields if name not in fields]
        return fields
