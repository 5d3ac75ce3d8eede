"""A person's data is theirs: download it, delete the account, and every staff look is on record (PIPEDA).

- `request_export` queues the build of a ZIP (JSON of everything, a CSV per table) from every
  provider of `core.personal_data`; the owner gets an email with a link valid
  DATA_EXPORT_VALID_DAYS, which downloads only when signed in as them.
- `request_deletion` starts ACCOUNT_DELETION_GRACE_DAYS of grace (0: at once); signing in within
  it cancels. `delete_account` then runs every provider's erasure and anonymises the account:
  registrations and attendance stay as rows of an anonymous account, so the programme's reach
  figures and each session's attendance do not change.
- `purge_expired` is the retention job (unverified accounts, expired exports, an access log older
  than a year); each part reports what it removed.
- `log_access` records staff and hub managers viewing or exporting someone's data.
"""

import csv
import datetime as dt
import io
import json
import logging
import re
import zipfile

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import personal_data

from .models import AccessLog, DataExport, User, new_calendar_token
from .user_cache import forget_user

logger = logging.getLogger(__name__)

DELETED_EMAIL_DOMAIN = "deleted.invalid"  # RFC 2606: can never receive mail


def log_access(request, *, action: str, subject=None, detail: str = "") -> None:
    """Someone looked at or exported personal data: keep who, what and when (never what they saw)."""
    if not getattr(request.user, "is_authenticated", False):
        return
    AccessLog.objects.create(
        actor=request.user,
        subject=subject,
        action=action,
        detail=detail[:200],
        path=request.get_full_path()[:300],
    )


# -- download my data ----------------------------------------------------------------------------------


def _valid_days() -> int:
    return getattr(settings, "DATA_EXPORT_VALID_DAYS", 7)


def request_export(*, user: User) -> DataExport:
    """Queue the build of the person's data; the task emails them when it is ready. One pending at a time."""
    from . import tasks  # the task module imports this one

    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        pending = user.data_exports.filter(status=DataExport.Status.PENDING).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(user=user)
        transaction.on_commit(lambda: tasks.build_data_export.delay(export.pk))
    return export


def export_tables(user: User) -> dict[str, dict[str, personal_data.Table]]:
    """{provider label: {table: rows}} from every registered provider, labelled in the person's language."""
    with translation.override(user.preferred_language):
        return {str(provider.label): provider.export(user) for provider in personal_data.providers()}


def _csv_value(value):
    return "; ".join(map(str, value)) if isinstance(value, list) else value


def build_zip(user: User) -> bytes:
    """data.json with everything, and one CSV per table for a spreadsheet. Built in memory, a few MB at most."""
    tables = export_tables(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = {"generated_at": timezone.now().isoformat(), "account": user.email, "data": tables}
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2))
        for named in tables.values():
            for name, table in named.items():
                if not table:
                    continue
                text = io.StringIO()
                columns = list(dict.fromkeys(key for row in table for key in row))
                writer = csv.DictWriter(text, fieldnames=columns)
                writer.writeheader()
                for row in table:
                    writer.writerow({key: _csv_value(value) for key, value in row.items()})
                archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def build_export(*, export_id: int) -> DataExport | None:
    """Build one requested export and email its link (the task's body; safe to run twice)."""
    from .emails import data_export_ready

    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.status != DataExport.Status.PENDING:
            return export
        content = build_zip(export.user)
        export.file.save(f"{export.token}.zip", ContentFile(content), save=False)
        now = timezone.now()
        export.status = DataExport.Status.READY
        export.ready_at = now
        export.expires_at = now + dt.timedelta(days=_valid_days())
        export.save(update_fields=["file", "status", "ready_at", "expires_at"])
        data_export_ready(export=export)
    return export


# -- delete my account ---------------------------------------------------------------------------------


def grace_days() -> int:
    return getattr(settings, "ACCOUNT_DELETION_GRACE_DAYS", 14)


def deletion_due_at(user: User) -> dt.datetime | None:
    if user.deletion_requested_at is None:
        return None
    return user.deletion_requested_at + dt.timedelta(days=grace_days())


def request_deletion(*, user: User) -> bool:
    """Ask for the account's deletion. True if it was deleted at once (no grace period), else it waits."""
    from .emails import deletion_scheduled

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.deleted_at is not None:
            return True
        if user.deletion_requested_at is None:
            user.deletion_requested_at = timezone.now()
            user.save(update_fields=["deletion_requested_at"])
        if grace_days() <= 0:
            delete_account(user=user)
            return True
        deletion_scheduled(user=user, due_at=deletion_due_at(user))
    return False


def cancel_deletion(*, user: User) -> bool:
    """Signing in within the grace period keeps the account. True if a deletion was cancelled."""
    cancelled = User.objects.filter(pk=user.pk, deletion_requested_at__isnull=False, deleted_at__isnull=True).update(
        deletion_requested_at=None
    )
    if cancelled:
        forget_user(user.pk)  # an update sends no signal: the signed-in user's cached row goes
    return bool(cancelled)


def redact(text: str, names: list[str]) -> str:
    """`text` with each of `names` (a full name, an email address) replaced, whatever their case."""

    for name in sorted({n for n in names if n and len(n) > 2}, key=len, reverse=True):
        text = re.sub(re.escape(name), str(_("[deleted account]")), text, flags=re.IGNORECASE)
    return text


def identifying_strings(user: User) -> list[str]:
    """What free text written about a person may name them by."""
    return [user.get_full_name(), user.email]


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Erase what identifies the person, through every provider; the account row stays, anonymous and closed."""
    from .emails import account_deleted

    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        return
    for provider in personal_data.providers():
        provider.erase(user)
    account_deleted(user=user)  # the last email, to the address about to be erased; it names nobody
    user.email = f"deleted-{user.pk}@{DELETED_EMAIL_DOMAIN}"
    user.first_name = user.last_name = ""
    user.organisation = user.licence_number = user.time_zone = ""
    user.password = make_password(None)  # unusable: every open session of theirs ends with it
    user.is_active = user.is_staff = user.is_superuser = False
    user.reminders_enabled = False
    user.calendar_token = new_calendar_token()
    user.deleted_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    logger.info("account %s deleted", user.pk)


def delete_due_accounts(*, now: dt.datetime | None = None) -> int:
    """The periodic task: accounts whose grace period is over are deleted. Returns how many."""
    now = now or timezone.now()
    due = User.objects.filter(
        deleted_at__isnull=True, deletion_requested_at__lte=now - dt.timedelta(days=grace_days())
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        delete_account(user=User(pk=pk))
        count += 1
    return count


# -- retention -----------------------------------------------------------------------------------------

UNVERIFIED_ACCOUNT_DAYS = 30
ACCESS_LOG_DAYS = 365


def purge_expired(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remove what is kept no longer than needed; returns what went, by kind, for the job's log."""
    from allauth.account.models import EmailAddress

    now = now or timezone.now()
    removed = {}
    stale = User.objects.filter(
        deleted_at__isnull=True,
        is_staff=False,
        last_login__isnull=True,
        date_joined__lt=now - dt.timedelta(days=UNVERIFIED_ACCOUNT_DAYS),
    ).exclude(pk__in=EmailAddress.objects.filter(verified=True).values("user_id"))
    unverified = list(stale)
    for user in unverified:
        # Never used: nothing of theirs counts anywhere, so the row goes. Otherwise it is anonymised.
        if user.registrations.exists() or user.enrollments.exists():
            delete_account(user=user)
        else:
            user.delete()
    removed["unverified accounts"] = len(unverified)
    expired = list(DataExport.objects.filter(expires_at__lt=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    removed["data exports"] = len(expired)
    old_log = AccessLog.objects.filter(at__lt=now - dt.timedelta(days=ACCESS_LOG_DAYS))
    removed["access log entries"], _details = old_log.delete()
    removed["accounts after their grace period"] = delete_due_accounts(now=now)
    for kind, count in removed.items():
        logger.info("retention: removed %s %s", count, kind)
    return removed
