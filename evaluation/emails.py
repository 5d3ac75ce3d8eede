"""The evaluation request and its one reminder, as outbox messages.

Keys are per attendee and session: `evaluation:<session>:<user>` and `evaluation-reminder:<session>:<user>`,
so however often beat runs, a person gets one request and at most one reminder about a session.
"""

from django.urls import reverse

from accounts.models import User
from accounts.unsubscribe import programme_unsubscribe_token
from enrollment.calendar import absolute
from enrollment.emails import language_of, recipient_context, session_item
from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue
from sessions.models import Session

from .tokens import make_token


def request_key(*, session_id: int, user_id: int) -> str:
    return f"evaluation:{session_id}:{user_id}"


def reminder_key(*, session_id: int, user_id: int) -> str:
    return f"evaluation-reminder:{session_id}:{user_id}"


def answer_url(*, user_id: int, session_id: int) -> str:
    return absolute(reverse("evaluation:answer", args=[make_token(user_id=user_id, session_id=session_id)]))


def programme_unsubscribe_url(user: User) -> str:
    return absolute(reverse("accounts:unsubscribe_programme", args=[programme_unsubscribe_token(user)]))


def evaluation_message(*, user: User, session: Session, expires_at, reminder: bool) -> EmailToQueue:
    """The request (or its reminder) to evaluate `session`: the link that opens the form, a one-click opt-out."""
    unsubscribe_url = programme_unsubscribe_url(user)
    key = reminder_key if reminder else request_key
    return EmailToQueue(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.EVALUATION,
        idempotency_key=key(session_id=session.pk, user_id=user.pk),
        template="evaluation/email/request",
        context={
            **recipient_context(user),
            "item": session_item(session, with_join_link=False),
            "answer_url": answer_url(user_id=user.pk, session_id=session.pk),
            "expires_at": expires_at,
            "reminder": reminder,
            "unsubscribe_url": unsubscribe_url,
        },
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
