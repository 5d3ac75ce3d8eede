"""The emails a request to join a spoke causes, written to the outbox inside the service's transaction.

Each person gets it in their own language. Idempotency keys (one request is one membership row; a
declined or withdrawn request is deleted, so asking again makes a new row and a new key):
- `spoke-request:<membership>:<manager>`: each manager of the hub hears of a request once;
- `spoke-approved:<membership>`, `spoke-declined:<membership>`: the clinician hears the answer once.
"""

from django.conf import settings
from django.urls import reverse

from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue, queue_bulk, queue_email

from .models import HubMembership, SpokeMembership


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _language_of(user) -> str:
    language = getattr(user, "preferred_language", "")
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _common(membership: SpokeMembership) -> dict:
    spoke = membership.spoke
    return {
        "spoke_name": spoke.name,
        "hub_name": spoke.hub.name,
        "my_learning_url": _absolute(reverse("enrollment:my_learning")),
    }


def join_requested(*, membership: SpokeMembership) -> int:
    """Tell every manager of the spoke's hub that someone asks to join, with the link to review it."""
    hub = membership.spoke.hub
    person = membership.user
    managers = (
        HubMembership.objects.filter(hub=hub, role=HubMembership.Role.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    context = {
        **_common(membership),
        "person_name": person.get_full_name() or person.email,
        "person_email": person.email,
        "review_url": _absolute(reverse("hubs:manage:members", args=[hub.slug]) + "#requests"),
    }
    return queue_bulk(
        messages=[
            EmailToQueue(
                to=row.user.email,
                language=_language_of(row.user),
                kind=OutboundEmail.Kind.OTHER,
                idempotency_key=f"spoke-request:{membership.pk}:{row.user_id}",
                template="hubs/email/join_requested",
                context={**context, "manager_name": row.user.get_short_name()},
            )
            for row in managers
        ]
    )


def _answer(*, membership: SpokeMembership, approved: bool) -> None:
    person = membership.user
    hub = membership.spoke.hub
    queue_email(
        to=person.email,
        language=_language_of(person),
        kind=OutboundEmail.Kind.OTHER,
        idempotency_key=f"spoke-{'approved' if approved else 'declined'}:{membership.pk}",
        template=f"hubs/email/join_{'approved' if approved else 'declined'}",
        context={
            **_common(membership),
            "name": person.get_short_name(),
            "spokes_url": _absolute(reverse("hubs:my_spokes")),
            "join_url": _absolute(reverse("hubs:join", args=[hub.slug])),
        },
    )


def join_approved(*, membership: SpokeMembership) -> None:
    _answer(membership=membership, approved=True)


def join_declined(*, membership: SpokeMembership) -> None:
    _answer(membership=membership, approved=False)
