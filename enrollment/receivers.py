"""Tell registrants when staff move or cancel a session, in the transaction that changed it; note invitations
whose address the mail server refused."""

from django.dispatch import receiver

from notifications.models import OutboundEmail
from notifications.outbox import queue_bulk
from notifications.signals import recipient_refused
from sessions.models import Session
from sessions.signals import session_changed

from . import emails
from .models import Registration
from .services import invitations


@receiver(session_changed, sender=Session, dispatch_uid="enrollment.session_changed_emails")
def queue_session_update_emails(sender, *, session: Session, change: str, **kwargs) -> None:
    """One update per registrant and waitlisted person: the calendar event keeps its UID, with a higher SEQUENCE."""
    registrations = (
        Registration.objects.filter(
            session=session, status__in=[Registration.Status.REGISTERED, Registration.Status.WAITLISTED]
        )
        .select_related("user")
        .order_by("pk")
    )
    messages = []
    for registration in registrations:
        # The session the signal carries is the locked, changed row: use it, not a stale copy.
        registration.session = session
        messages.append(emails.session_update_message(registration=registration, session=session, change=change))
    if messages:
        queue_bulk(messages=messages)


@receiver(recipient_refused, sender=OutboundEmail, dispatch_uid="enrollment.invitation_bounced")
def mark_invitation_bounced(sender, *, outbound: OutboundEmail, **kwargs) -> None:
    """An invitation whose address was refused for good: hub staff see "bounced", re-sends skip it."""
    if outbound.kind == OutboundEmail.Kind.INVITATION:
        invitations.mark_bounced(idempotency_key=outbound.idempotency_key)
