"""Invitations to a series by invitation only: send a list, send again, and the invited person's answer.

Sending writes every invitation and its email in one transaction (bulk inserts), so a list of a few
thousand is queued at once or not at all. The link's token is the proof of the invitation: whoever
follows it, signed in with any account, may accept it once (the account that accepts is recorded and
shown to hub staff beside the invited address) or decline it. Accepting enrolls by the usual rules
(the series lock, capacity, waitlist) with `admitted=True`; nothing enrolls before the person accepts.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.outbox import queue_bulk
from series.models import Series

from .. import invitation_emails
from ..access_models import not_joined
from ..invitation_lists import Person
from ..models import Enrollment, SeriesInvitation
from .enrollments import enroll_locked
from .errors import EnrollmentError


class InvitationError(Exception):
    """Why an invitation cannot be answered; `code` picks what the person reads."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def ensure_can_invite(series: Series) -> None:
    if series.registration_mode != Series.RegistrationMode.INVITATION:
        raise EnrollmentError(
            _("This series is not by invitation only: set its registration mode first."), code="not_invitation_only"
        )
    if series.status != Series.Status.PUBLISHED:
        raise EnrollmentError(
            _("Publish this series before inviting people: the link in the email leads to its page."),
            code="not_published",
        )


@transaction.atomic
def invite(*, series: Series, people: list[Person], invited_by) -> list[SeriesInvitation]:
    """Invite everyone in `people` not already invited to `series`, one email each. Returns the new invitations.

    An address invited meanwhile (a second tab, a colleague) is skipped, not invited twice.
    """
    ensure_can_invite(series)
    now = timezone.now()
    wanted = {person.email: person for person in people}
    taken = set(SeriesInvitation.objects.filter(series=series, email__in=list(wanted)).values_list("email", flat=True))
    rows = [
        SeriesInvitation(
            series=series,
            email=person.email,
            name=person.name,
            language=person.language,
            invited_by=invited_by,
            sent_at=now,
            times_sent=1,
        )
        for email, person in wanted.items()
        if email not in taken
    ]
    if not rows:
        return []
    # ON CONFLICT DO NOTHING: an address a concurrent upload just took is skipped; re-read which rows are ours.
    SeriesInvitation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    created = list(SeriesInvitation.objects.filter(token__in=[row.token for row in rows]).order_by("pk"))
    queue_bulk(messages=invitation_emails.invitation_messages(series=series, invitations=created, inviter=invited_by))
    return created


@transaction.atomic
def send_again(*, series: Series, sent_by, only=None) -> int:
    """Send the invitation again to everyone who has not answered and whose address was not refused (among the
    invitations `only` names, when given)."""
    ensure_can_invite(series)
    now = timezone.now()
    pending = SeriesInvitation.objects.select_for_update().filter(not_joined(), series=series)
    if only is not None:
        pending = pending.filter(pk__in=only)
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        return 0
    SeriesInvitation.objects.filter(pk__in=ids).update(sent_at=now, times_sent=F("times_sent") + 1)
    invitations = list(SeriesInvitation.objects.filter(pk__in=ids).order_by("pk"))
    return queue_bulk(
        messages=invitation_emails.invitation_messages(series=series, invitations=invitations, inviter=sent_by)
    )


def mark_opened(*, invitation: SeriesInvitation) -> None:
    """The link was followed: the first time is what hub staff see."""
    now = timezone.now()
    if SeriesInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now):
        invitation.opened_at = now


def ensure_answerable(invitation: SeriesInvitation, user) -> None:
    if invitation.joined_at is not None:
        raise InvitationError("joined" if user is not None and invitation.user_id == user.pk else "used")
    if invitation.declined_at is not None:
        raise InvitationError("declined")


@transaction.atomic
def accept(*, invitation: SeriesInvitation, user) -> Enrollment:
    """`user` accepts: the invitation is theirs (once) and they are enrolled, or waitlisted if the series is full.

    A closed registration window refuses (EnrollmentError) and leaves the invitation unanswered.
    """
    ensure_answerable(invitation, user)
    now = timezone.now()
    # Claimed with a conditional update: a double click, a second tab or a second account accepts it once.
    claimed = SeriesInvitation.objects.filter(
        pk=invitation.pk, joined_at__isnull=True, declined_at__isnull=True
    ).update(joined_at=now, user=user, opened_at=Coalesce(F("opened_at"), Value(now)))
    if claimed != 1:
        invitation.refresh_from_db()
        ensure_answerable(invitation, user)
        raise InvitationError("used")
    invitation.joined_at, invitation.user = now, user
    return enroll_locked(user=user, series=invitation.series, key=None, notify=True, admitted=True)


def decline(*, invitation: SeriesInvitation, user=None) -> None:
    """The invited person says no (signed in or not: the link is the proof); nothing else changes."""
    ensure_answerable(invitation, user)
    now = timezone.now()
    fields = {"declined_at": now}
    if user is not None:
        fields["user"] = user
    if not SeriesInvitation.objects.filter(pk=invitation.pk, joined_at__isnull=True, declined_at__isnull=True).update(
        **fields
    ):
        invitation.refresh_from_db()
        ensure_answerable(invitation, user)
    invitation.declined_at = now


def mark_bounced(*, idempotency_key: str) -> bool:
    """The mail server refused the invitation's address for good: re-sends skip it and hub staff see why."""
    invitation_id = invitation_emails.invitation_id_from_key(idempotency_key)
    if invitation_id is None:
        return False
    return bool(
        SeriesInvitation.objects.filter(pk=invitation_id, bounced_at__isnull=True).update(bounced_at=timezone.now())
    )
