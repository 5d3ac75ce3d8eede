"""Reads for hub staff's invitation lists, scoped through hubs.scoping: another hub's series is a 404.

A series' invitations come with what their last email did (still in the outbox, sent, refused) read from
the outbox in the same query, so "Not sent yet" means the email really is still waiting.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404

from hubs.models import Hub
from hubs.scoping import VIEW, managed_hubs
from notifications.models import OutboundEmail
from series.models import Series

from .invitation_emails import KEY_PREFIX
from .models import SeriesInvitation

WAITING = (OutboundEmail.Status.QUEUED, OutboundEmail.Status.IN_FLIGHT)


def invitation_series(user, hub: Hub, *, roles: Iterable[str] = VIEW) -> QuerySet[Series]:
    """The hub's series by invitation only, if `user` holds one of `roles` in it, with counts by state."""
    return (
        Series.objects.filter(
            hub=hub, hub__in=managed_hubs(user, roles=roles), registration_mode=Series.RegistrationMode.INVITATION
        )
        .annotate(
            invited_count=Count("invitations"),
            joined_count=Count("invitations", filter=Q(invitations__joined_at__isnull=False)),
            declined_count=Count("invitations", filter=Q(invitations__declined_at__isnull=False)),
            bounced_count=Count("invitations", filter=Q(invitations__bounced_at__isnull=False)),
        )
        .order_by("-created_at", "pk")
    )


def get_invitation_series_or_404(user, hub: Hub, series_id, *, roles: Iterable[str] = VIEW) -> Series:
    series = invitation_series(user, hub, roles=roles).select_related("hub").filter(pk=series_id).first()
    if series is None:
        raise Http404("No such series by invitation only in this hub.")
    return series


def invitations_of(series: Series) -> QuerySet[SeriesInvitation]:
    """A series' invitations, newest first, with `email_status` (of the last email) and the account's address."""
    key = Concat(
        Value(KEY_PREFIX), Cast(OuterRef("pk"), CharField()), Value(":"), Cast(OuterRef("times_sent"), CharField())
    )
    last_email = OutboundEmail.objects.filter(idempotency_key=key)
    return (
        SeriesInvitation.objects.filter(series=series)
        .annotate(email_status=Subquery(last_email.values("status")[:1]), account_email=F("user__email"))
        .order_by("-created_at", "-pk")
    )


def shown_state(invitation: SeriesInvitation) -> str:
    """The state hub staff read: "Not sent yet" while its email still waits in the outbox."""
    state = invitation.state
    if state == SeriesInvitation.State.SENT and getattr(invitation, "email_status", None) in WAITING:
        return SeriesInvitation.State.QUEUED
    return state
