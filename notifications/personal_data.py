"""What the outbox keeps about a person: the emails sent to their address (their text names them)."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import OutboundEmail


def export(user) -> dict:
    return {
        "emails_sent_to_you": rows(
            OutboundEmail.objects.filter(recipient__iexact=user.email), ["created_at", "kind", "subject", "status"]
        )
    }


def erase(user) -> None:
    OutboundEmail.objects.filter(recipient__iexact=user.email).delete()


PROVIDER = Provider(
    label=_("Emails sent to you"),
    models=(OutboundEmail,),
    export=export,
    erase=erase,
    erases=_("Every email we sent you, kept in our outbox."),
)
