"""Django admin for hub managers, restricted to their own hubs.

A ModelAdmin lists `HubScopedAdminMixin` first among its bases and names the
path from its model to the hub in `hub_lookup` ("hub" for Series,
"series__hub" for Session and EnrollmentKey, "session__series__hub" for
Resource and Registration). For a hub manager its changelist then holds only
their hubs' rows, another hub's change, delete and history pages are 404, and
foreign-key choices (hub, series, session, key, people) are limited to their
hubs and to the people in their spokes. National staff (superusers, or staff
holding `hubs.view_all_hubs`) see everything.

The hub ids come from `hubs.scoping.managed_hubs`, like every other hub query.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from .models import HubMembership, SpokeMembership
from .scoping import NATIONAL_PERMISSION, is_national_staff, managed_hubs

__all__ = ["NATIONAL_PERMISSION", "HubScopedAdminMixin", "is_national_staff"]

# How to reach the hub from each model that may appear as a foreign key on a hub-scoped admin form.
HUB_PATHS = {
    "hubs.hub": "pk",
    "hubs.spoke": "hub",
    "series.series": "hub",
    "echo_sessions.session": "series__hub",
    "enrollment.enrollmentkey": "series__hub",
}


class HubScopedAdminMixin:
    hub_lookup: str = ""

    def _hub_ids(self, request) -> list[int]:
        if not hasattr(request, "_admin_hub_ids"):
            request._admin_hub_ids = list(
                managed_hubs(request.user, roles=(HubMembership.Role.MANAGER,)).values_list("pk", flat=True)
            )
        return request._admin_hub_ids

    def _scoped(self, request) -> bool:
        return not is_national_staff(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self._scoped(request):
            return queryset
        if not self.hub_lookup:
            raise ImproperlyConfigured(f"{type(self).__name__} must set hub_lookup to reach the hub from its model.")
        # hub_lookup follows foreign keys forward, so the filter adds no duplicate rows (and no distinct(),
        # which would break the delete action).
        return queryset.filter(**{f"{self.hub_lookup}__in": self._hub_ids(request)})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and self._scoped(request):
            # Admin would redirect to its index with "doesn't exist"; another hub's row is simply not found.
            raise Http404("Not found among your hub's rows.")
        return obj

    def _limit_choices(self, request, db_field, formfield):
        if formfield is None or not self._scoped(request):
            return formfield
        related = db_field.remote_field.model
        label = related._meta.label_lower
        hub_ids = self._hub_ids(request)
        if label == settings.AUTH_USER_MODEL.lower():
            in_their_spokes = SpokeMembership.objects.filter(spoke__hub__in=hub_ids, status="active")
            formfield.queryset = formfield.queryset.filter(pk__in=in_their_spokes.values("user_id"))
        elif label in HUB_PATHS:
            formfield.queryset = formfield.queryset.filter(**{f"{HUB_PATHS[label]}__in": hub_ids})
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._limit_choices(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._limit_choices(request, db_field, super().formfield_for_manytomany(db_field, request, **kwargs))

    def get_inline_instances(self, request, obj=None):
        """Inlines (a series' keys, a session's resources) get the same limited choices as the parent form."""
        inlines = super().get_inline_instances(request, obj)
        if self._scoped(request):
            for inline in inlines:  # fresh instances on every request, so this binds to this request only
                inline.formfield_for_foreignkey = self._scoped_formfield(inline.formfield_for_foreignkey)
                inline.formfield_for_manytomany = self._scoped_formfield(inline.formfield_for_manytomany)
        return inlines

    def _scoped_formfield(self, original):
        def formfield(db_field, request, **kwargs):
            return self._limit_choices(request, db_field, original(db_field, request, **kwargs))

        return formfield

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
