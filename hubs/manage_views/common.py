"""What every screen of the hub portal shares: its URLs, the POST-only guard and the template context."""

from django.http import HttpResponseNotAllowed
from django.urls import reverse

from hubs.models import HubMembership


def manage_url(hub, name: str, *args) -> str:
    return reverse(f"hubs:manage:{name}", args=[hub.slug, *args])


def post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def portal_context(request, hub, **extra) -> dict:
    return {"hub": hub, "is_manager": hub.viewer_role == HubMembership.Role.MANAGER, **extra}
