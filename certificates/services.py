"""Issuing, re-issuing and revoking learners' documents: the one place their state changes.

Issuing for a series locks the series row first, so two staff members (or an import and a
staff member) issuing at once wait for each other instead of writing two documents. Each new
or re-issued document is emailed to its learner through the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.calendar import absolute
from enrollment.emails import language_of, recipient_context
from enrollment.models import Registration
from hubs.models import HubMembership
from hubs.scoping import is_national_staff, managed_hubs
from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue, queue_bulk
from series.models import Series
from sessions.models import Session

from .content import build_content, document_kind, learner_outcomes, national_provider_name, series_for_issuing
from .models import Certificate

# CCCEP: a statement issued again within 36 months of the first says "duplicate".
CCCEP_DUPLICATE_MONTHS = 36


@dataclass
class IssueResult:
    issued: list[Certificate] = field(default_factory=list)
    reissued: list[Certificate] = field(default_factory=list)
    unchanged: int = 0
    revoked_skipped: int = 0
    not_qualified: int = 0


def _reissue_kind(certificate: Certificate, *, now: dt.datetime) -> str:
    if certificate.is_statement and now < certificate.first_issued_at + relativedelta(months=CCCEP_DUPLICATE_MONTHS):
        return Certificate.Reissue.DUPLICATE
    return Certificate.Reissue.REPLACEMENT


def _email(certificate: Certificate) -> EmailToQueue:
    user = certificate.user
    return EmailToQueue(
        to=user.email,
        language=language_of(user),
        kind=OutboundEmail.Kind.CERTIFICATE,
        idempotency_key=f"certificate:{certificate.pk}:{certificate.revision}",
        template="certificates/email/issued",
        context={
            **recipient_context(user),
            "certificate": certificate,
            "series_title": certificate.content["series"]["title"],
            "download_url": absolute(certificate.get_download_url()),
            "verify_url": absolute(certificate.get_absolute_url()),
        },
    )


def issue_for_series(
    *, series: Series, user_ids: list[int] | None = None, now: dt.datetime | None = None
) -> IssueResult:
    """Issue the document of every qualifying learner of the series (or of those named), re-issuing changed ones.

    A learner whose document already says the same is left alone (no email); a changed one keeps its
    number and becomes a duplicate or a replacement dated today; a revoked one stays revoked.
    """
    now = now or timezone.now()
    result = IssueResult()
    with transaction.atomic():
        Series.objects.select_for_update().filter(pk=series.pk).values_list("pk").get()
        series = series_for_issuing(series.pk)
        kind = document_kind(series)
        national_provider = national_provider_name()
        outcomes = learner_outcomes(series=series, user_ids=user_ids, now=now)
        existing = {
            certificate.user_id: certificate
            for certificate in Certificate.objects.filter(series=series, user_id__in=[o.user.pk for o in outcomes])
        }
        new: list[Certificate] = []
        changed: list[Certificate] = []
        for outcome in outcomes:
            if not outcome.qualifies:
                result.not_qualified += 1
                continue
            content = build_content(series=series, outcome=outcome, national_provider=national_provider)
            name = content["learner"]["name"]
            certificate = existing.get(outcome.user.pk)
            if certificate is None:
                new.append(
                    Certificate(
                        user=outcome.user,
                        series=series,
                        kind=kind,
                        learner_name=name,
                        credits=outcome.credits.credits,
                        content=content,
                        first_issued_at=now,
                        issued_at=now,
                    )
                )
            elif not certificate.is_valid:
                result.revoked_skipped += 1
            elif certificate.content == content and certificate.kind == kind:
                result.unchanged += 1
            else:
                certificate.user = outcome.user
                certificate.kind = kind
                certificate.learner_name = name
                certificate.credits = outcome.credits.credits
                certificate.content = content
                certificate.issued_at = now
                certificate.revision += 1
                certificate.reissue = _reissue_kind(certificate, now=now)
                changed.append(certificate)
        Certificate.objects.bulk_create(new, batch_size=500)
        Certificate.objects.bulk_update(
            changed,
            ["kind", "learner_name", "credits", "content", "issued_at", "revision", "reissue"],
            batch_size=500,
        )
        queue_bulk(messages=[_email(certificate) for certificate in [*new, *changed]])
    result.issued, result.reissued = new, changed
    return result


def last_session(series: Series) -> Session | None:
    return Session.objects.scheduled().filter(series=series).order_by("-ends_at", "-pk").first()


def series_attendance_complete(series: Series, *, now: dt.datetime | None = None) -> bool:
    """The series' last session is over and has its attendance recorded."""
    now = now or timezone.now()
    last = last_session(series)
    return bool(
        last
        and last.ends_at <= now
        and Registration.objects.filter(session=last, attended_minutes__isnull=False).exists()
    )


def issue_if_series_complete(*, series: Series, now: dt.datetime | None = None) -> IssueResult | None:
    """After attendance changed: once the last session is recorded, issue (or re-issue what the change corrected)."""
    if not series_attendance_complete(series, now=now):
        return None
    return issue_for_series(series=series, now=now)


def revoke(*, certificate_ids: list[int], reason: str, now: dt.datetime | None = None) -> int:
    """Revoke documents (the verification page then says so); a reason is required. Returns how many changed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the document is revoked."))
    return Certificate.objects.filter(pk__in=certificate_ids, state=Certificate.State.VALID).update(
        state=Certificate.State.REVOKED, revoked_at=now or timezone.now(), revoked_reason=reason[:500]
    )


def reinstate(*, certificate_ids: list[int]) -> int:
    """Make revoked documents valid again (issuing then brings them up to date)."""
    return Certificate.objects.filter(pk__in=certificate_ids, state=Certificate.State.REVOKED).update(
        state=Certificate.State.VALID, revoked_at=None, revoked_reason=""
    )


def download_allowed(*, certificate: Certificate, user) -> bool:
    """The learner, national staff, and managers of the series' hub may download a document."""
    if not user.is_authenticated:
        return False
    if certificate.user_id == user.pk or is_national_staff(user):
        return True
    return managed_hubs(user, roles=(HubMembership.Role.MANAGER,)).filter(pk=certificate.series.hub_id).exists()
