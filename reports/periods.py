"""Reporting periods: the fiscal year (April to March) and its two halves, the periods hubs report on.

A preset is named by a key such as `fy2026` (April 2026 – March 2027), `fy2026-h1` (April–September 2026)
or `fy2026-h2` (October 2026 – March 2027), so a link to a report says which period it shows.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.participation import Period

KEY = re.compile(r"^fy(?P<year>\d{4})(?:-(?P<half>h[12]))?$")
FIRST_MONTH = 4  # the fiscal year starts on April 1


@dataclass(frozen=True)
class Preset:
    key: str
    period: Period

    @property
    def label(self) -> str:
        year = self.period.start.year
        if self.key.endswith("-h1"):
            return _("April–September %(year)s") % {"year": year}
        if self.key.endswith("-h2"):
            return _("October %(year)s – March %(next)s") % {"year": year, "next": year + 1}
        return _("Fiscal year %(year)s–%(next)s") % {"year": year, "next": year + 1}


def fiscal_year_of(day: dt.date) -> int:
    """The calendar year a day's fiscal year starts in."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def preset(key: str) -> Preset | None:
    """The preset a key names, or None for anything else."""
    match = KEY.match(key or "")
    if not match:
        return None
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        return None
    if match["half"] == "h1":
        period = Period(start=dt.date(year, 4, 1), end=dt.date(year, 9, 30))
    elif match["half"] == "h2":
        period = Period(start=dt.date(year, 10, 1), end=dt.date(year + 1, 3, 31))
    else:
        period = Period(start=dt.date(year, 4, 1), end=dt.date(year + 1, 3, 31))
    return Preset(key=key, period=period)


def recent_presets(*, today: dt.date | None = None, years: int = 3) -> list[Preset]:
    """The current fiscal year and the ones before it, each followed by its halves, newest first."""
    today = today or timezone.localdate()
    current = fiscal_year_of(today)
    keys = []
    for year in range(current, current - years, -1):
        keys += [f"fy{year}", f"fy{year}-h2", f"fy{year}-h1"]
    return [preset(key) for key in keys]


def presets_since(first: dt.date | None, *, today: dt.date | None = None) -> list[Preset]:
    """Every fiscal year (and its halves) from the one of `first` to the current one, at least the last three."""
    today = today or timezone.localdate()
    years = fiscal_year_of(today) - fiscal_year_of(first) + 1 if first else 0
    return recent_presets(today=today, years=max(years, 3))


def half_of(day: dt.date) -> Preset:
    year = fiscal_year_of(day)
    return preset(f"fy{year}-h1" if FIRST_MONTH <= day.month < 10 else f"fy{year}-h2")


def latest_fiscal_year(last: dt.date | None, *, today: dt.date | None = None) -> Preset:
    """The current fiscal year, or the last one with participations when nothing happened since."""
    today = today or timezone.localdate()
    return current_fiscal_year(today=min(today, last) if last else today)


def latest_complete_half(last: dt.date | None, *, today: dt.date | None = None) -> Preset:
    """The last half-year that has ended, or the last one with participations when nothing happened since."""
    half = last_complete_half(today=today)
    if last is not None and last < half.period.start:
        return half_of(last)
    return half


def current_fiscal_year(*, today: dt.date | None = None) -> Preset:
    return preset(f"fy{fiscal_year_of(today or timezone.localdate())}")


def last_complete_half(*, today: dt.date | None = None) -> Preset:
    """The most recent half-year that has ended: what a semi-annual report is written about."""
    today = today or timezone.localdate()
    year = fiscal_year_of(today)
    if today.month >= 10 or today.month < FIRST_MONTH:  # October to March: the April–September half is over
        return preset(f"fy{year}-h1")
    return preset(f"fy{year - 1}-h2")
