"""Reporting presets: the fiscal year runs April 1 to March 31, its halves April–September and October–March."""

import datetime as dt

import pytest

from reports import periods


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("fy2026", dt.date(2026, 4, 1), dt.date(2027, 3, 31)),
        ("fy2026-h1", dt.date(2026, 4, 1), dt.date(2026, 9, 30)),
        ("fy2026-h2", dt.date(2026, 10, 1), dt.date(2027, 3, 31)),
        ("fy2027-h2", dt.date(2027, 10, 1), dt.date(2028, 3, 31)),
    ],
)
def test_presets_cover_exactly_their_months(key, start, end):
    period = periods.preset(key).period
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("key", ["", "fy26", "fy2026-h3", "2026-h1", "fy1999", "fy2026-H1 ", "fy2026;drop"])
def test_anything_else_is_no_preset(key):
    assert periods.preset(key) is None


@pytest.mark.parametrize(
    ("today", "fiscal_year", "last_half"),
    [
        (dt.date(2026, 3, 31), 2025, "fy2025-h1"),
        (dt.date(2026, 4, 1), 2026, "fy2025-h2"),
        (dt.date(2026, 9, 30), 2026, "fy2025-h2"),
        (dt.date(2026, 10, 1), 2026, "fy2026-h1"),
        (dt.date(2027, 1, 15), 2026, "fy2026-h1"),
    ],
)
def test_the_fiscal_year_and_the_last_complete_half_of_a_day(today, fiscal_year, last_half):
    assert periods.fiscal_year_of(today) == fiscal_year
    assert periods.current_fiscal_year(today=today).key == f"fy{fiscal_year}"
    assert periods.last_complete_half(today=today).key == last_half


def test_period_bounds_are_whole_eastern_days(settings):
    start, end = periods.preset("fy2026-h1").period.bounds()
    assert start.isoformat() == "2026-04-01T00:00:00-04:00"
    assert end.isoformat() == "2026-10-01T00:00:00-04:00"


def test_labels_name_the_months_in_english_and_french():
    from django.utils import translation

    assert [p.label for p in periods.recent_presets(today=dt.date(2026, 12, 1), years=1)] == [
        "Fiscal year 2026–2027",
        "October 2026 – March 2027",
        "April–September 2026",
    ]
    with translation.override("fr"):
        assert periods.preset("fy2026-h1").label == "avril à septembre 2026"


def test_a_site_whose_participations_stopped_opens_on_its_last_year_and_half():
    today = dt.date(2026, 12, 1)
    last = dt.date(2023, 4, 18)

    assert periods.latest_fiscal_year(last, today=today).key == "fy2023"
    assert periods.latest_complete_half(last, today=today).key == "fy2023-h1"
    assert periods.latest_fiscal_year(dt.date(2026, 11, 30), today=today).key == "fy2026"
    assert periods.latest_complete_half(dt.date(2026, 11, 30), today=today).key == "fy2026-h1"
    assert periods.latest_fiscal_year(None, today=today).key == "fy2026"
    keys = [preset.key for preset in periods.presets_since(dt.date(2021, 12, 9), today=today)]
    assert keys[:3] == ["fy2026", "fy2026-h2", "fy2026-h1"] and keys[-3:] == ["fy2021", "fy2021-h2", "fy2021-h1"]
