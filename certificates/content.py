"""What a learner's document says, worked out from their attendance and frozen as JSON at issue.

Everything the PDF and the verification page print comes from here: the sessions attended with
their date, hours and credits; the credits under each accreditation of the series; the
certification statements in both languages; the provider and the CCCEP particulars.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from enrollment.credits import SeriesCredits, series_credits
from enrollment.models import Registration
from hubs.models import Hub
from series.credits import credits_earned, headline_accreditation, hours
from series.models import Series
from sessions.models import Session

from .models import Certificate


class Standing:
    """Why a learner does or does not qualify for a document of the series."""

    QUALIFIES = "qualifies"
    BELOW_THRESHOLD = "below_threshold"  # attendance recorded, but no session reached the threshold
    NOT_RECORDED = "not_recorded"  # no attendance recorded yet


@dataclass
class LearnerOutcome:
    user: User
    registrations: list[Registration]
    credits: SeriesCredits

    @property
    def standing(self) -> str:
        if self.credits.sessions_counted:
            return Standing.QUALIFIES
        if any(registration.attended_minutes is not None for registration in self.registrations):
            return Standing.BELOW_THRESHOLD
        return Standing.NOT_RECORDED

    @property
    def qualifies(self) -> bool:
        return self.standing == Standing.QUALIFIES


def series_for_issuing(series_id: int) -> Series:
    return Series.objects.select_related("hub").prefetch_related("accreditations").get(pk=series_id)


def learner_outcomes(
    *, series: Series, user_ids: list[int] | None = None, now: dt.datetime | None = None
) -> list[LearnerOutcome]:
    """Every registered learner of the series' held sessions, with what their attendance earns: 1 query.

    Only registered people count: waitlisted and cancelled registrations, and report lines that matched
    nobody, earn nothing until staff register the person.
    """
    now = now or timezone.now()
    registrations = (
        Registration.objects.registered()
        .filter(session__series=series, session__status=Session.Status.SCHEDULED, session__ends_at__lte=now)
        .select_related("user", "session")
        .order_by("user_id", "session__starts_at", "pk")
    )
    if user_ids is not None:
        registrations = registrations.filter(user_id__in=user_ids)
    by_user: dict[int, list[Registration]] = defaultdict(list)
    users: dict[int, User] = {}
    for registration in registrations:
        registration.session.series = series
        by_user[registration.user_id].append(registration)
        users[registration.user_id] = registration.user
    return [
        LearnerOutcome(
            user=users[user_id],
            registrations=rows,
            credits=series_credits(series=series, registrations=rows),
        )
        for user_id, rows in by_user.items()
    ]


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _terms(accreditation) -> dict[str, str]:
    """The body's terms in English, and in French where staff wrote them.

    A French key appears only when there is French, so documents issued before terms were bilingual compare
    equal to their re-issue and are not sent again for nothing.
    """
    terms = {}
    for field in ("credit_type", "category"):
        terms[field] = getattr(accreditation, f"{field}_en") or ""
        if french := getattr(accreditation, f"{field}_fr"):
            terms[f"{field}_fr"] = french
    return terms


def national_provider_name() -> str:
    hub = Hub.objects.filter(kind=Hub.Kind.NATIONAL).order_by("pk").first()
    return hub.name if hub else ""


def document_kind(series: Series) -> str:
    """CCCEP's rule: a statement of attendance unless the activity is accredited as a certificate program."""
    if any(accreditation.is_statement_of_attendance for accreditation in series.accreditations.all()):
        return Certificate.Kind.STATEMENT
    return Certificate.Kind.CERTIFICATE


def build_content(*, series: Series, outcome: LearnerOutcome, national_provider: str) -> dict[str, Any]:
    """The JSON frozen on the document (compare it to see whether a re-issue changes anything)."""
    headline = headline_accreditation(series)
    attended = [r for r in outcome.registrations if r.counts_as_attended]
    counted = outcome.credits.counted_minutes
    return {
        "series": {
            "title": series.title,
            "kind": series.kind,
            "hub": series.hub.name,
            "national_provider": national_provider if national_provider != series.hub.name else "",
        },
        "learner": {
            "name": outcome.user.get_full_name() or outcome.user.email,
            "licence_number": outcome.user.licence_number,
        },
        "sessions": [
            {
                "title": registration.session.title,
                "starts_at": registration.session.starts_at.isoformat(),
                "minutes": registration.session.duration_minutes,
                "hours": _decimal(hours(registration.session.duration_minutes)),
                "credits": _decimal(
                    credits_earned(accreditation=headline, minutes=registration.session.duration_minutes)
                    if headline
                    else None
                ),
            }
            for registration in attended
        ],
        "hours": _decimal(hours(counted)),
        "accreditations": [
            {
                "body": item.accreditation.body,
                "body_name": item.accreditation.body_name,
                **_terms(item.accreditation),
                "delivery": item.accreditation.delivery,
                "credits": _decimal(item.credits),
                "maximum": _decimal(item.accreditation.maximum),
                "statement_en": item.accreditation.statement_en,
                "statement_fr": item.accreditation.statement_fr,
                "number": item.accreditation.number,
                "valid_from": _date(item.accreditation.valid_from),
                "valid_until": _date(item.accreditation.valid_until),
                "provider": item.accreditation.provider,
                "provider_contact": item.accreditation.provider_contact,
            }
            for item in outcome.credits.earned
        ],
    }
