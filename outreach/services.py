"""Partner interest: submit, move through the status workflow, create the hub. Writes only.

The mailing list's writes live in outreach.subscriptions and outreach.mailings.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from hubs.models import Hub
from notifications.models import OutboundEmail
from notifications.outbox import queue_email

from .models import PartnerInquiry, PartnerInquiryChange

# A second submission from the same address within this time is the same inquiry (a double click, a retry).
DUPLICATE_WINDOW = timedelta(days=1)


class TransitionNotAllowed(Exception):
    pass


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def submit_inquiry(*, data: dict, language: str) -> tuple[PartnerInquiry, bool]:
    """Record an organisation's interest; staff are told and the submitter gets an acknowledgement.

    The same email address within a day returns the inquiry already recorded (created False) and sends nothing.
    """
    email = data["email"].strip()
    since = timezone.now() - DUPLICATE_WINDOW
    existing = PartnerInquiry.objects.filter(email__iexact=email, submitted_at__gte=since).first()
    if existing is not None:
        return existing, False
    inquiry = PartnerInquiry(**{**data, "email": email}, language=language)
    inquiry.full_clean(exclude=["submitted_on"])
    try:
        with transaction.atomic():
            inquiry.save()
            _queue_inquiry_emails(inquiry)
    except IntegrityError:
        # A concurrent submission of the same address won the day's row.
        return PartnerInquiry.objects.filter(email__iexact=email).order_by("-submitted_at").first(), False
    return inquiry, True


def _queue_inquiry_emails(inquiry: PartnerInquiry) -> None:
    context = {
        "inquiry": inquiry,
        "admin_url": _absolute(reverse("admin:outreach_partnerinquiry_change", args=[inquiry.pk])),
        "sender_name": settings.MAILING_SENDER_NAME,
        "sender_address": settings.MAILING_SENDER_ADDRESS,
    }
    queue_email(
        to=settings.PARTNER_INQUIRY_EMAIL,
        language=settings.LANGUAGE_CODE,
        kind=OutboundEmail.Kind.OUTREACH,
        idempotency_key=f"partner-inquiry:staff:{inquiry.pk}",
        template="outreach/email/inquiry_staff",
        context=context,
        headers={"Reply-To": inquiry.email},
    )
    queue_email(
        to=inquiry.email,
        language=inquiry.language,
        kind=OutboundEmail.Kind.OUTREACH,
        idempotency_key=f"partner-inquiry:ack:{inquiry.pk}",
        template="outreach/email/inquiry_received",
        context=context,
    )


def change_status(*, inquiry: PartnerInquiry, to_status: str, by: User | None, note: str = "") -> PartnerInquiry:
    """Move an inquiry along the workflow and record who did it, when and why."""
    with transaction.atomic():
        locked = PartnerInquiry.objects.select_for_update().get(pk=inquiry.pk)
        if to_status not in locked.next_statuses():
            raise TransitionNotAllowed(
                _("An inquiry that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": locked.get_status_display(),
                    "to": PartnerInquiry.Status(to_status).label
                    if to_status in PartnerInquiry.Status.values
                    else to_status,
                }
            )
        now = timezone.now()
        PartnerInquiryChange.objects.create(
            inquiry=locked,
            from_status=locked.status,
            to_status=to_status,
            changed_by=by,
            changed_at=now,
            note=note[:500],
        )
        locked.status = to_status
        locked.status_changed_at = now
        locked.status_changed_by = by
        locked.save(update_fields=["status", "status_changed_at", "status_changed_by"])
    return locked


def _free_slug(name: str) -> str:
    base = slugify(name)[:70] or "hub"
    slug, n = base, 2
    while Hub.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_hub(*, inquiry: PartnerInquiry) -> Hub:
    """The hub of a partnered organisation, filled in from its submission (staff complete it in admin)."""
    with transaction.atomic():
        locked = PartnerInquiry.objects.select_for_update().get(pk=inquiry.pk)
        if locked.status != PartnerInquiry.Status.PARTNERED:
            raise ValidationError(_("Only a partnered inquiry can become a hub."))
        if locked.hub_id is not None:
            return locked.hub
        hub = Hub.objects.create(
            name=locked.organisation,
            slug=_free_slug(locked.organisation),
            kind=Hub.Kind.REGIONAL,
            province=locked.province,
            region=locked.communities_served[:200],
            contact_email=locked.email,
            # Not shown publicly until staff have written its description and made it active.
            is_active=False,
        )
        locked.hub = hub
        locked.save(update_fields=["hub"])
    return hub
