"""Receivers: a person signing in is told of invitations waiting for their answer; the admin group exists."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import queries, services

# The apps whose permissions the "Hub managers" group holds; the group is rebuilt once each has migrated.
GROUP_APPS = {"hubs", "series", "echo_sessions", "enrollment"}


@receiver(user_logged_in, dispatch_uid="hubs.tell_of_pending_invitations")
def tell_of_pending_invitations(sender, request, user, **kwargs):
    """Nothing joins anyone to a spoke by itself: after signing in (or confirming an address) they decide."""
    if request is None:
        return
    waiting = queries.pending_invitations_for(user=user).count()
    if not waiting:
        return
    text = ngettext(
        "An invitation to join a spoke is waiting for your answer. Nothing is shared with its hub until you accept.",
        "%(count)d invitations to join spokes are waiting for your answer. Nothing is shared until you accept.",
        waiting,
    ) % {"count": waiting}
    link = format_html('{} <a href="{}">{}</a>', text, reverse("hubs:my_spokes"), _("Accept or decline"))
    messages.info(request, link, fail_silently=True)


@receiver(post_migrate, dispatch_uid="hubs.ensure_hub_managers_group")
def ensure_hub_managers_group(sender, **kwargs):
    if getattr(sender, "label", None) in GROUP_APPS:
        services.ensure_hub_managers_group()
