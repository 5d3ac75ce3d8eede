"""The one credit formula: rate × hours of sessions attended, rounded by body, capped; thresholds; credit years."""

import datetime as dt
from decimal import Decimal

import pytest

from series.credits import credit_year, credits_earned, session_credits
from series.models import Accreditation, Series
from tests.factories import AccreditationFactory, SeriesFactory, SessionFactory


def _accreditation(**fields) -> Accreditation:
    return Accreditation(**{"body": Accreditation.Body.MAINPRO, "credits_per_hour": Decimal("1"), **fields})


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (60, "1.00"),
        (90, "1.50"),
        (50, "0.75"),  # 0.833… to the nearest quarter
        (52, "0.75"),  # 0.8666… still nearer 0.75 than 1
        (53, "1.00"),  # 0.8833… nearer 1
        (0, "0.00"),
    ],
)
def test_mainpro_credits_round_to_the_nearest_quarter(minutes, expected):
    assert credits_earned(accreditation=_accreditation(), minutes=minutes) == Decimal(expected)


def test_credits_are_capped_at_the_maximum():
    accreditation = _accreditation(maximum=Decimal("12"))

    assert credits_earned(accreditation=accreditation, minutes=14 * 60) == Decimal("12.00")
    assert credits_earned(accreditation=accreditation, minutes=11 * 60) == Decimal("11.00")


def test_another_body_rounds_to_the_hundredth_at_its_own_rate():
    accreditation = _accreditation(body=Accreditation.Body.OTHER, body_name="OIIQ", credits_per_hour=Decimal("1.5"))

    assert credits_earned(accreditation=accreditation, minutes=50) == Decimal("1.25")
    assert credits_earned(accreditation=accreditation, minutes=47) == Decimal("1.18")


@pytest.mark.parametrize(
    ("minimum_minutes", "minimum_percent", "attended", "counts"),
    [
        (None, 75, 45, True),  # exactly 75 % of an hour
        (None, 75, 44, False),
        (50, None, 50, True),
        (50, None, 49, False),
        (30, 75, 44, False),  # both must hold
        (30, 75, 46, True),
        (None, None, 1, True),  # no threshold: any minute recorded
        (None, None, 0, False),
        (None, 75, None, False),  # nothing recorded yet
    ],
)
def test_what_counts_as_attending_follows_the_series_threshold(minimum_minutes, minimum_percent, attended, counts):
    series = Series(attendance_minimum_minutes=minimum_minutes, attendance_minimum_percent=minimum_percent)

    assert series.counts_as_attended(attended_minutes=attended, session_minutes=60) is counts


@pytest.mark.django_db
def test_a_session_is_worth_its_length_under_the_series_first_accreditation():
    series = SeriesFactory()
    AccreditationFactory(series=series, body=Accreditation.Body.ROYAL_COLLEGE, credits_per_hour=2, position=1)
    AccreditationFactory(series=series, credits_per_hour=1, position=0)
    ninety = SessionFactory(series=series)
    ninety.ends_at = ninety.starts_at + dt.timedelta(minutes=90)

    assert ninety.credits == Decimal("1.50")
    assert session_credits(series=SeriesFactory(), session_minutes=60) is None


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2026, 6, 30), (dt.date(2025, 7, 1), dt.date(2026, 6, 30))),
        (dt.date(2026, 7, 1), (dt.date(2026, 7, 1), dt.date(2027, 6, 30))),
        (dt.date(2027, 1, 15), (dt.date(2026, 7, 1), dt.date(2027, 6, 30))),
    ],
)
def test_mainpro_credit_years_run_from_july_1_to_june_30(day, year):
    assert credit_year(day) == year
