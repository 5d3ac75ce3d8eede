"""The one credit formula of the portal, and what counts as attending a session.

credits = credits per hour × hours of the sessions attended, rounded as the accrediting body
says (Mainpro+, Royal College and CCCEP: to the nearest quarter credit), capped at the
accreditation's maximum. A session counts for its whole length once the learner met the
series' attendance threshold (`Series.counts_as_attended`); minutes short of it earn nothing.

Every page, export and document computes credits here: session cards, My learning, the
admin's list of who qualifies, the certificates.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from .models import Accreditation, Series

QUARTER = Decimal("0.25")
CENT = Decimal("0.01")

# How each body rounds: the named bodies count in quarter credits; another body to the hundredth.
ROUNDING_STEP = {
    Accreditation.Body.MAINPRO: QUARTER,
    Accreditation.Body.ROYAL_COLLEGE: QUARTER,
    Accreditation.Body.CCCEP: QUARTER,
    Accreditation.Body.OTHER: CENT,
}

# Mainpro+ credit years run July 1 to June 30 (and five of them make a cycle).
CREDIT_YEAR_START_MONTH = 7
MAINPRO_ANNUAL_MINIMUM = Decimal("25")


def hours(minutes: int) -> Decimal:
    return Decimal(minutes) / Decimal(60)


def round_to_step(value: Decimal, step: Decimal) -> Decimal:
    return ((value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step).quantize(CENT)


def credits_earned(*, accreditation: Accreditation, minutes: int) -> Decimal:
    """What `minutes` of sessions attended earn under one accreditation: rate × hours, rounded by body, capped."""
    earned = round_to_step(
        Decimal(accreditation.credits_per_hour) * hours(minutes), ROUNDING_STEP.get(accreditation.body, CENT)
    )
    if accreditation.maximum is not None:
        earned = min(earned, Decimal(accreditation.maximum).quantize(CENT))
    return earned


def headline_accreditation(series: Series) -> Accreditation | None:
    """The accreditation cards and pages name first (uses a prefetched `accreditations` when there is one)."""
    accreditations = sorted(series.accreditations.all(), key=lambda a: (a.position, a.pk))
    return accreditations[0] if accreditations else None


def session_credits(*, series: Series, session_minutes: int) -> Decimal | None:
    """What one session is worth under the series' first accreditation; None when the series is not accredited."""
    accreditation = headline_accreditation(series)
    if accreditation is None:
        return None
    return credits_earned(accreditation=accreditation, minutes=session_minutes)


def credit_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The Mainpro+ credit year holding a day: (July 1, June 30 of the next year)."""
    first_year = day.year if day.month >= CREDIT_YEAR_START_MONTH else day.year - 1
    return dt.date(first_year, CREDIT_YEAR_START_MONTH, 1), dt.date(first_year + 1, CREDIT_YEAR_START_MONTH - 1, 30)
