"""Writes for hub partners: spokes, invitations, join requests, members, admin access.

Callers pass objects they obtained through `hubs.scoping`; these functions
enforce the business rules and keep each change atomic.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import ratelimit
from core.formatting import format_day_month_year
from core.page_cache import invalidate_public_pages

from . import emails
from .models import Hub, Spoke, SpokeInvitation, SpokeMembership
from .scoping import hub_manager_permissions

INVITATION_VALID_FOR = dt.timedelta(days=14)
HUB_MANAGERS_GROUP = "Hub managers"


class InvitationError(Exception):
    """Why an invitation cannot be accepted; `code` picks the page the person sees."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


def create_spoke(
    *,
    hub: Hub,
    name: str,
    kind: str,
    province: str = "",
    rural_remote: bool = False,
    contact_name: str = "",
    contact_email: str = "",
) -> Spoke:
    spoke = Spoke(
        hub=hub,
        name=name.strip(),
        kind=kind,
        province=province,
        rural_remote=rural_remote,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
    )
    _save(spoke)
    return spoke


def update_spoke(
    *,
    spoke: Spoke,
    name: str,
    kind: str,
    province: str = "",
    rural_remote: bool = False,
    contact_name: str = "",
    contact_email: str = "",
) -> Spoke:
    spoke.name = name.strip()
    spoke.kind = kind
    spoke.province = province
    spoke.rural_remote = rural_remote
    spoke.contact_name = contact_name.strip()
    spoke.contact_email = contact_email.strip()
    _save(spoke)
    return spoke


def archive_spoke(*, spoke: Spoke) -> bool:
    """Archived spokes keep their members and history but take no new members. True if it changed."""
    changed = Spoke.objects.filter(pk=spoke.pk, archived_at__isnull=True).update(archived_at=timezone.now()) == 1
    spoke.refresh_from_db(fields=["archived_at"])
    if changed:
        invalidate_public_pages()  # the hub's public page lists its spokes
    return changed


def unarchive_spoke(*, spoke: Spoke) -> bool:
    changed = Spoke.objects.filter(pk=spoke.pk, archived_at__isnull=False).update(archived_at=None) == 1
    spoke.refresh_from_db(fields=["archived_at"])
    if changed:
        invalidate_public_pages()
    return changed


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def invitation_url(invitation: SpokeInvitation) -> str:
    return settings.SITE_URL + reverse("hubs:invitation", args=[invitation.token])


@transaction.atomic
def invite_to_spoke(*, spoke: Spoke, email: str, language: str, invited_by) -> SpokeInvitation:
    """Invite `email` to `spoke`; a still-pending invitation to the same address is replaced by this one."""
    from notifications.outbox import queue_email

    email = _normalize_email(email)
    if spoke.archived_at is not None:
        raise ValidationError(_("This spoke is archived; unarchive it before inviting people."), code="archived")
    if SpokeMembership.objects.filter(
        spoke=spoke, user__email__iexact=email, status=SpokeMembership.Status.ACTIVE
    ).exists():
        raise ValidationError(_("This person is already a member of this spoke."), code="already_member")
    # Each hub sends at most HUB_INVITATIONS_PER_DAY: an invitation is an email to someone who never asked.
    limit = ratelimit.Limit("hub-invitations", attempts=settings.HUB_INVITATIONS_PER_DAY, window_seconds=24 * 3600)
    if not ratelimit.consume([ratelimit.counter(limit, spoke.hub_id)]).allowed:
        raise ValidationError(
            _("Your hub has sent %(count)d invitations in the last day, the most allowed. Send the others tomorrow."),
            code="too_many_invitations",
            params={"count": limit.attempts},
        )
    # A pending invitation to the same address is replaced; answered ones stay, so the hub sees what happened.
    SpokeInvitation.objects.filter(
        spoke=spoke, email__iexact=email, used_at__isnull=True, declined_at__isnull=True
    ).delete()
    invitation = SpokeInvitation(
        spoke=spoke,
        email=email,
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    _save(invitation)
    queue_email(
        to=email,
        language=invitation.language,
        kind="other",
        idempotency_key=f"spoke-invite:{invitation.pk}",
        template="hubs/email/invitation",
        context={
            "spoke_name": spoke.name,
            "hub_name": spoke.hub.name,
            "inviter_name": invited_by.get_full_name() if invited_by else "",
            "accept_url": invitation_url(invitation),
            "expires_on": _written_in(invitation.language, invitation.expires_at),
        },
    )
    return invitation


def _written_in(language: str, moment) -> str:
    """ "December 16, 2026" / "16 décembre 2026", as the invitee's language writes a date."""
    with translation.override(language):
        return format_day_month_year(moment)


def revoke_invitation(*, invitation: SpokeInvitation) -> bool:
    """Withdraw an unused invitation; its link then reads as not valid. True if it was still pending."""
    deleted, _rows = SpokeInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True).delete()
    return deleted > 0


def _has_verified_email(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _join(*, spoke: Spoke, user) -> SpokeMembership:
    membership, created = SpokeMembership.objects.get_or_create(
        spoke=spoke, user=user, defaults={"status": SpokeMembership.Status.ACTIVE}
    )
    if not created and membership.status != SpokeMembership.Status.ACTIVE:
        membership.status = SpokeMembership.Status.ACTIVE
        membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def accept_invitation(*, invitation: SpokeInvitation, user) -> SpokeMembership:
    """The signed-in `user` accepts; they must own the invited address (a verified email on their account)."""
    now = timezone.now()
    if invitation.is_used:
        raise InvitationError("used")
    if invitation.is_declined:
        raise InvitationError("declined")
    if invitation.is_expired(now=now):
        raise InvitationError("expired")
    if not _has_verified_email(user, invitation.email):
        raise InvitationError("wrong_account")
    # Claim the row with a conditional update: a double click or a second tab accepts it once.
    claimed = SpokeInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True, declined_at__isnull=True).update(
        used_at=now, used_by=user
    )
    if claimed != 1:
        raise InvitationError("used")
    invitation.used_at, invitation.used_by = now, user
    return _join(spoke=invitation.spoke, user=user)


def decline_invitation(*, invitation: SpokeInvitation, user) -> bool:
    """The invited person says no: nothing joins them to the spoke and the hub sees "Declined". False if answered."""
    if not _has_verified_email(user, invitation.email):
        raise InvitationError("wrong_account")
    now = timezone.now()
    declined = SpokeInvitation.objects.filter(pk=invitation.pk, used_at__isnull=True, declined_at__isnull=True).update(
        declined_at=now
    )
    if declined:
        invitation.declined_at = now
    return declined == 1


@transaction.atomic
def request_to_join(*, spoke: Spoke, user) -> tuple[SpokeMembership, bool]:
    """A clinician asks to join; the hub's managers are emailed and one approves. Returns the membership and
    whether it is new."""
    if spoke.archived_at is not None:
        raise ValidationError(_("This spoke is archived and takes no new members."), code="archived")
    membership, created = SpokeMembership.objects.get_or_create(
        spoke=spoke, user=user, defaults={"status": SpokeMembership.Status.REQUESTED}
    )
    if created:
        emails.join_requested(membership=membership)
    return membership, created


def withdraw_request(*, membership: SpokeMembership) -> bool:
    deleted, _rows = SpokeMembership.objects.filter(pk=membership.pk, status=SpokeMembership.Status.REQUESTED).delete()
    return deleted > 0


@transaction.atomic
def approve_request(*, membership: SpokeMembership) -> bool:
    """The request becomes a membership and the clinician is told. False (and no email) if it was handled before."""
    changed = (
        SpokeMembership.objects.filter(pk=membership.pk, status=SpokeMembership.Status.REQUESTED).update(
            status=SpokeMembership.Status.ACTIVE
        )
        == 1
    )
    membership.status = SpokeMembership.Status.ACTIVE
    if changed:
        emails.join_approved(membership=membership)
    return changed


@transaction.atomic
def decline_request(*, membership: SpokeMembership) -> bool:
    """The request is dropped and the clinician is told. False (and no email) if it was handled before."""
    declined = withdraw_request(membership=membership)
    if declined:
        emails.join_declined(membership=membership)
    return declined


def remove_member(*, membership: SpokeMembership) -> bool:
    deleted, _rows = SpokeMembership.objects.filter(pk=membership.pk).delete()
    return deleted > 0


def ensure_hub_managers_group() -> Group:
    """The "Hub managers" group with the admin permissions the admins declare (idempotent; run after every migrate).

    Each hub-scoped ModelAdmin names its `hub_manager_actions` (hubs/admin_scoping.py); admin
    modules are loaded before migrate's post_migrate signal runs this.
    """
    group, _created = Group.objects.get_or_create(name=HUB_MANAGERS_GROUP)
    wanted = Permission.objects.none()
    for app_label, codenames in hub_manager_permissions().items():
        wanted |= Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(wanted)
    return group


@transaction.atomic
def grant_hub_manager_admin(*, user) -> None:
    """Let a hub manager into Django admin, where HubScopedAdminMixin shows only their hubs' rows."""
    if not user.hub_memberships.filter(role="manager").exists():
        raise ValidationError(_("Only a manager of a hub can be given hub admin access."), code="not_manager")
    group = ensure_hub_managers_group()
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
