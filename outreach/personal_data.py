"""What outreach keeps about a person: the mailing list with its consent history, partner forms they sent."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import Mailing, PartnerInquiry, PartnerInquiryChange, Subscriber


def _subscriptions(user):
    return Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def export(user) -> dict:
    return {
        "mailing_list": rows(
            _subscriptions(user),
            [
                "email",
                "name",
                "status",
                "requested_at",
                "confirmed_at",
                "withdrawn_at",
                "withdrawn_how",
                "consent_text",
                "consent_version",
                "consent_given_at",
                "consent_source",
            ],
        ),
        "mailings_written_or_sent": rows(
            Mailing.objects.filter(Q(created_by=user) | Q(sent_by=user)),
            ["subject_en", "subject_fr", "kind", "status", "created_at", "sent_at"],
        ),
        "partner_interest_forms": rows(
            PartnerInquiry.objects.filter(email__iexact=user.email),
            ["organisation", "contact_name", "email", "phone", "message", "submitted_at", "status"],
        ),
    }


def erase(user) -> None:
    _subscriptions(user).delete()
    # The organisation's inquiry stays with staff; the person who wrote it is no longer named.
    PartnerInquiry.objects.filter(email__iexact=user.email).update(contact_name="", email="", phone="")
    PartnerInquiry.objects.filter(status_changed_by=user).update(status_changed_by=None)
    PartnerInquiryChange.objects.filter(changed_by=user).update(changed_by=None)
    # A mailing staff sent stays the record of what subscribers received; who wrote and sent it is forgotten.
    Mailing.objects.filter(created_by=user).update(created_by=None)
    Mailing.objects.filter(sent_by=user).update(sent_by=None)


PROVIDER = Provider(
    label=_("Mailing list and partner interest"),
    models=(Subscriber, PartnerInquiry, PartnerInquiryChange, Mailing),
    export=export,
    erase=erase,
    erases=_("Your mailing-list subscription and its consent record, and your name on partner-interest forms."),
)
