"""What the accounts app keeps about a person: the profile, sign-in addresses, exports asked for, who looked."""

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, plain, rows

from .forms import PROFILE_FIELDS
from .models import AccessLog, DataExport, User

# Everything the profile form edits, and what the account itself records about them.
EXPORTED_FIELDS = [
    "email",
    *PROFILE_FIELDS,
    "date_joined",
    "last_login",
    "privacy_consent_version",
    "privacy_consent_at",
]


def export(user) -> dict:
    return {
        "profile": [{name: plain(getattr(user, name)) for name in EXPORTED_FIELDS}],
        "email_addresses": rows(EmailAddress.objects.filter(user=user), ["email", "verified", "primary"]),
        "data_exports": rows(DataExport.objects.filter(user=user), ["requested_at", "status", "ready_at"]),
        # Who looked at their data, by kind and date: the person is told of each access, not who on staff.
        "access_to_your_data": rows(AccessLog.objects.filter(subject=user), ["at", "action", "detail"]),
    }


def erase(user) -> None:
    from .privacy import identifying_strings, redact

    EmailAddress.objects.filter(user=user).delete()
    for data_export in DataExport.objects.filter(user=user):
        if data_export.file:
            data_export.file.delete(save=False)
        data_export.delete()
    names = identifying_strings(user)
    mentions = Q()
    for name in filter(None, names):
        mentions |= Q(object_repr__icontains=name) | Q(change_message__icontains=name)
    for entry in LogEntry.objects.filter(mentions):
        entry.object_repr = redact(entry.object_repr, names)[:200]
        entry.change_message = redact(entry.change_message, names)
        entry.save(update_fields=["object_repr", "change_message"])


PROVIDER = Provider(
    label=_("Your account and profile"),
    models=(User, EmailAddress, DataExport, AccessLog, LogEntry),
    export=export,
    erase=erase,
    erases=_("Your name, email address, licence or CFPC number, organisation, time zone and password."),
    keeps=_(
        "Your profession, province or territory, practice settings and whether you practise in a rural or remote "
        "community stay on an anonymous record, so the programme's reach figures do not change."
    ),
    order=900,
)
