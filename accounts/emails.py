"""The account's own emails about its data: the export is ready, the deletion is scheduled, the deletion is done."""

from django.urls import reverse
from django.utils import translation

from core.formatting import format_written_date
from core.links import absolute
from notifications.models import OutboundEmail
from notifications.outbox import queue_email


def _context(user) -> dict:
    return {"my_learning_url": absolute(reverse("enrollment:my_learning")), "name": user.get_short_name()}


def _date(user, moment) -> str:
    with translation.override(user.preferred_language):
        return format_written_date(moment)


def data_export_ready(*, export) -> None:
    user = export.user
    queue_email(
        to=user.email,
        language=user.preferred_language,
        kind=OutboundEmail.Kind.ACCOUNT,
        idempotency_key=f"data-export:{export.pk}",
        template="accounts/email/data_export_ready",
        context={
            **_context(user),
            "download_url": absolute(reverse("data_download", args=[export.token])),
            "expires_on": _date(user, export.expires_at),
        },
    )


def deletion_scheduled(*, user, due_at) -> None:
    queue_email(
        to=user.email,
        language=user.preferred_language,
        kind=OutboundEmail.Kind.ACCOUNT,
        idempotency_key=f"deletion-scheduled:{user.pk}:{user.deletion_requested_at.isoformat()}",
        template="accounts/email/deletion_scheduled",
        context={**_context(user), "due_on": _date(user, due_at), "login_url": absolute(reverse("account_login"))},
    )


def account_deleted(*, user) -> None:
    """The last email: sent to the address being erased, and naming nobody, so nothing of them stays in it."""
    queue_email(
        to=user.email,
        language=user.preferred_language,
        kind=OutboundEmail.Kind.ACCOUNT,
        idempotency_key=f"account-deleted:{user.pk}",
        template="accounts/email/account_deleted",
        context={"my_learning_url": absolute("/")},
    )
