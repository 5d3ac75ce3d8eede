"""What a learner earned in a series: sessions past the threshold, and credits under each accreditation.

The arithmetic is `series.credits` (the one formula); this module gathers a learner's attendance
for it, so it lives with the registrations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from series.credits import credits_earned, hours
from series.models import Accreditation, Series

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

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

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
    attended = [pair for pair in pairs if series.counts_as_attended(attended_minutes=pair[0], session_minutes=pair[1])]
    counted = sum(length for _, length in attended)
    return SeriesCredits(
        series=series,
        minutes=sum(minutes or 0 for minutes, _ in pairs),
        counted_minutes=counted,
        sessions_counted=len(attended),
        earned=[
            AccreditedCredits(
                accreditation=accreditation, credits=credits_earned(accreditation=accreditation, minutes=counted)
            )
            for accreditation in sorted(series.accreditations.all(), key=lambda a: (a.position, a.pk))
        ],
    )
