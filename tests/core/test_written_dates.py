"""Dates as people write them, in English and in French, read back into dates; anything ambiguous refused."""

import datetime as dt

import pytest
from django.utils import translation

from core.formatting import format_day_month_year, parse_written_date

DEC_2 = dt.date(2025, 12, 2)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-12-02", DEC_2),
        ("December 2, 2025", DEC_2),
        ("  dec. 2 2025 ", DEC_2),
        ("2 December 2025", DEC_2),
        ("2 décembre 2025", DEC_2),
        ("2 decembre 2025", DEC_2),
        ("1er déc. 2025", dt.date(2025, 12, 1)),
        ("3 sept. 2025", dt.date(2025, 9, 3)),
        ("4 mai 2025", dt.date(2025, 5, 4)),
        ("2025 December 2", DEC_2),
    ],
)
def test_written_dates_are_understood_in_either_language(text, expected):
    assert parse_written_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["02/12/2025", "12/02/2025", "2025-02-30", "December 32, 2025", "December 2", "décembre", "", "yesterday",
     "'; drop table", "December 2 25", "x December 2 2025", "December May 2 2025"],
)  # fmt: skip
def test_what_is_not_one_clear_date_is_refused(text):
    assert parse_written_date(text) is None


def test_each_language_writes_the_date_its_own_way_and_reads_it_back():
    assert format_day_month_year(DEC_2) == "December 2, 2025"
    with translation.override("fr"):
        assert format_day_month_year(DEC_2) == "2 décembre 2025"
        assert format_day_month_year(dt.date(2025, 12, 1)) == "1er décembre 2025"
        assert parse_written_date(format_day_month_year(dt.date(2025, 12, 1))) == dt.date(2025, 12, 1)
