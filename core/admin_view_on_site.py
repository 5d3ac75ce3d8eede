"""The admin's "View on site" shortcut (/admin/r/<content type>/<id>/), limited to rows the admin shows the user.

Django's own shortcut looks the object up by id alone and redirects to its page, so anyone let into the admin
(a hub manager) could learn another hub's drafts' addresses by trying ids. Here the object is looked up through
the queryset its ModelAdmin gives this user (the hub scoping of `HubScopedAdminMixin` included): a row the user
cannot see in the admin is not found here either.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404


def view_on_site(request, content_type_id: int, object_id: str):
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site._registry.get(model) if model else None
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        raise Http404("Nothing to view here.")
    try:
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, ValidationError, OverflowError) as error:
        raise Http404("No such object.") from error
    if not visible:
        raise Http404("No such object among the ones you may see.")
    return shortcut(request, content_type_id, object_id)
