"""What a learner earned in a series: sessions past the threshold, and credits under each accreditation.

The arithmetic is `series.credits` (the one formula); this module gathers a learner's attendance
for it, so it lives with the registrations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from series.credits import MAINPRO_ANNUAL_MINIMUM, credit_year, credits_earned, hours
from series.models import BODY_SHORT_NAMES, Accreditation, Series
from sessions.models import Session

from .models import Registration


@dataclass(frozen=True)
class AccreditedCredits:
    accreditation: Accreditation
    credits: Decimal


@dataclass
class SeriesCredits:
    """A learner's attendance in one series and what it earns."""

    series: Series
    minutes: int = 0  # recorded, whether or not they reach the threshold
    counted_minutes: int = 0  # whole sessions past the threshold: what earns credits
    sessions_counted: int = 0
    earned: list[AccreditedCredits] = field(default_factory=list)
    attended: list[Registration] = field(default_factory=list)  # the sessions that count, in order

    @property
    def hours(self) -> Decimal:
        """The hours attended as the certificate states them: whole sessions past the threshold (what earns credits,
        so hours and credits agree), not every minute recorded."""
        return hours(self.counted_minutes).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def credits(self) -> Decimal | None:
        """Under the series' first accreditation; None when the series is not accredited."""
        return self.earned[0].credits if self.earned else None


def series_credits(*, series: Series, registrations: Iterable[Registration]) -> SeriesCredits:
    """Credits from a learner's registrations in one series (their sessions loaded; accreditations prefetched)."""
    pairs = [
        (registration.attended_minutes, registration.session.duration_minutes)
        for registration in registrations
        if registration.status == Registration.Status.REGISTERED and registration.attended_minutes is not None
    ]
    counting = [
        registration
        for registration in registrations
        if registration.status == Registration.Status.REGISTERED
        and series.counts_as_attended(
            attended_minutes=registration.attended_minutes, session_minutes=registration.session.duration_minutes
        )
    ]
    counted = sum(registration.session.duration_minutes for registration in counting)
    return SeriesCredits(
        series=series,
        minutes=sum(minutes or 0 for minutes, _ in pairs),
        counted_minutes=counted,
        sessions_counted=len(counting),
        attended=counting,
        earned=[
            AccreditedCredits(
                accreditation=accreditation, credits=credits_earned(accreditation=accreditation, minutes=counted)
            )
            for accreditation in sorted(series.accreditations.all(), key=lambda a: (a.position, a.pk))
        ],
    )


@dataclass(frozen=True)
class ClaimLine:
    """One activity as a body's claim form asks for it (Mainpro+: per activity and credit year)."""

    series: Series
    accreditation: Accreditation
    year_starts: dt.date
    year_ends: dt.date
    first_session: dt.date
    last_session: dt.date
    credits: Decimal

    @property
    def provider(self) -> str:
        return self.accreditation.provider


@dataclass(frozen=True)
class YearTotal:
    body: str
    body_label: str
    year_starts: dt.date
    year_ends: dt.date
    credits: Decimal

    @property
    def annual_minimum(self) -> Decimal | None:
        """Mainpro+ asks for at least 25 credits a year."""
        return MAINPRO_ANNUAL_MINIMUM if self.body == Accreditation.Body.MAINPRO else None


@dataclass
class CreditSummary:
    lines: list[ClaimLine] = field(default_factory=list)
    years: list[YearTotal] = field(default_factory=list)  # newest first
    by_body: list[tuple[str, Decimal]] = field(default_factory=list)

    def current_mainpro_year(self, *, today: dt.date) -> YearTotal:
        starts, ends = credit_year(today)
        for year in self.years:
            if year.body == Accreditation.Body.MAINPRO and year.year_starts == starts:
                return year
        return YearTotal(
            Accreditation.Body.MAINPRO, str(BODY_SHORT_NAMES[Accreditation.Body.MAINPRO]), starts, ends, Decimal("0.00")
        )

    def mainpro_lines(self) -> list[ClaimLine]:
        return [line for line in self.lines if line.accreditation.body == Accreditation.Body.MAINPRO]


def credit_summary(series_credits_list: list[SeriesCredits]) -> CreditSummary:
    """Each series' credits split into credit years by the dates of the sessions attended.

    A year's share is what the sessions up to its end earn minus what those before it earned, so the
    years of a series add up to its total exactly, with the body's rounding and the maximum applied once.
    """
    summary = CreditSummary()
    totals: dict[tuple[str, str, dt.date], Decimal] = defaultdict(Decimal)
    labels: dict[str, str] = {}
    for item in series_credits_list:
        by_year: dict[tuple[dt.date, dt.date], list[Registration]] = defaultdict(list)
        for registration in item.attended:
            by_year[credit_year(timezone.localdate(registration.session.starts_at))].append(registration)
        for earned in item.earned:
            accreditation = earned.accreditation
            minutes_so_far = 0
            credits_so_far = Decimal("0.00")
            for (starts, ends), registrations in sorted(by_year.items()):
                minutes_so_far += sum(r.session.duration_minutes for r in registrations)
                cumulative = credits_earned(accreditation=accreditation, minutes=minutes_so_far)
                share = cumulative - credits_so_far
                credits_so_far = cumulative
                dates = [timezone.localdate(r.session.starts_at) for r in registrations]
                summary.lines.append(ClaimLine(item.series, accreditation, starts, ends, min(dates), max(dates), share))
                totals[(accreditation.body, accreditation.body_label, starts)] += share
                labels[accreditation.body_label] = accreditation.body
    for (body, label, starts), credits in sorted(totals.items(), key=lambda kv: (kv[0][2], kv[0][1]), reverse=True):
        summary.years.append(YearTotal(body, label, starts, credit_year(starts)[1], credits))
    by_body: dict[str, Decimal] = defaultdict(Decimal)
    for year in summary.years:
        by_body[year.body_label] += year.credits
    summary.by_body = sorted(by_body.items())
    summary.lines.sort(key=lambda line: (line.year_starts, line.first_session, line.series.title), reverse=True)
    return summary


def learner_series_credits(*, user, now: dt.datetime | None = None) -> list[SeriesCredits]:
    """What a learner earned in each series they attended, by title: 2 queries (registrations, accreditations)."""
    now = now or timezone.now()
    registrations = (
        Registration.objects.registered()
        .filter(
            user=user,
            attended_minutes__isnull=False,
            session__status=Session.Status.SCHEDULED,
            session__ends_at__lte=now,
        )
        .select_related("session__series__hub")
        .prefetch_related("session__series__accreditations")
        .order_by("session__starts_at", "pk")
    )
    by_series: dict[int, list[Registration]] = defaultdict(list)
    series_by_id: dict[int, Series] = {}
    for registration in registrations:
        series_by_id.setdefault(registration.session.series_id, registration.session.series)
        by_series[registration.session.series_id].append(registration)
    return [
        series_credits(series=series, registrations=by_series[series_id])
        for series_id, series in sorted(series_by_id.items(), key=lambda item: item[1].title)
    ]
