"""Receivers: an invited person who confirms the invited address lands in the spoke; the admin group exists."""

from allauth.account.signals import email_confirmed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import services

# The apps whose permissions the "Hub managers" group holds; the group is rebuilt once each has migrated.
GROUP_APPS = {"hubs", "series", "echo_sessions", "enrollment"}


@receiver(email_confirmed, dispatch_uid="hubs.accept_invitations_on_email_confirmed")
def accept_invitations_on_email_confirmed(sender, request, email_address, **kwargs):
    services.accept_invitations_for_verified_email(user=email_address.user, email=email_address.email)


@receiver(post_migrate, dispatch_uid="hubs.ensure_hub_managers_group")
def ensure_hub_managers_group(sender, **kwargs):
    if getattr(sender, "label", None) in GROUP_APPS:
        services.ensure_hub_managers_group()
