"""Signing in during the grace period keeps the account (accounts.privacy)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import gettext as _

from . import privacy


@receiver(user_logged_in, dispatch_uid="accounts.cancel_deletion_on_sign_in")
def cancel_deletion_on_sign_in(sender, request, user, **kwargs):
    if getattr(user, "deletion_requested_at", None) is None:
        return
    if privacy.cancel_deletion(user=user):
        user.deletion_requested_at = None
        if request is not None and hasattr(request, "_messages"):
            messages.info(request, _("Welcome back: your account will not be deleted."))
