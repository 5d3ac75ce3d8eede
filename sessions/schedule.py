"""Laying down a series' schedule: the dates a repeating rule gives, and the sessions made from them."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.i18n import field_in
from series.models import Series

from .models import Session

EASTERN = zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)
MAX_OCCURRENCES = 60


class Rule:
    WEEKLY = "weekly"
    EVERY_2_WEEKS = "every_2_weeks"
    EVERY_4_WEEKS = "every_4_weeks"
    MONTHLY_SAME_WEEKDAY = "monthly_weekday"

    WEEKS = {WEEKLY: 1, EVERY_2_WEEKS: 2, EVERY_4_WEEKS: 4}


@dataclass(frozen=True)
class Occurrence:
    starts_at: dt.datetime
    ends_at: dt.datetime


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (1-4) weekday of a month, or the last one when nth is 5 (not every month has a fifth)."""
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    if nth < 5:
        return day + dt.timedelta(weeks=nth - 1)
    while (day + dt.timedelta(weeks=1)).month == month:
        day += dt.timedelta(weeks=1)
    return day


def _dates(*, first_date: dt.date, rule: str):
    if rule in Rule.WEEKS:
        step = dt.timedelta(weeks=Rule.WEEKS[rule])
        day = first_date
        while True:
            yield day
            day += step
    elif rule == Rule.MONTHLY_SAME_WEEKDAY:
        nth = (first_date.day - 1) // 7 + 1
        year, month = first_date.year, first_date.month
        while True:
            yield _nth_weekday(year, month, first_date.weekday(), nth)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        raise ValidationError(_("Choose how often the sessions repeat."))


def plan_schedule(
    *,
    first_date: dt.date,
    start_time: dt.time,
    duration_minutes: int,
    rule: str,
    count: int | None = None,
    until: dt.date | None = None,
) -> list[Occurrence]:
    """Session times from a rule, at the same Eastern wall-clock time on every date (across DST changes)."""
    if not count and not until:
        raise ValidationError(_("Give either a number of sessions or a last date."))
    if until and until < first_date:
        raise ValidationError(_("The last date must be on or after the first date."))
    if duration_minutes < 1:
        raise ValidationError(_("A session must last at least one minute."))
    occurrences = []
    for day in _dates(first_date=first_date, rule=rule):
        if until and day > until:
            break
        if count and len(occurrences) >= count:
            break
        if len(occurrences) >= MAX_OCCURRENCES:
            raise ValidationError(
                _("That would create more than %(max)s sessions; shorten the schedule.") % {"max": MAX_OCCURRENCES}
            )
        starts_at = dt.datetime.combine(day, start_time, tzinfo=EASTERN)
        # Add the duration on the wall clock, then let zoneinfo resolve the offset of the end itself.
        ends_at = (starts_at.replace(tzinfo=None) + dt.timedelta(minutes=duration_minutes)).replace(tzinfo=EASTERN)
        occurrences.append(Occurrence(starts_at=starts_at, ends_at=ends_at))
    return occurrences


def create_scheduled_sessions(
    *, series: Series, occurrences: list[Occurrence], title: str, join_url: str = ""
) -> list[Session]:
    """Create one session per occurrence, numbered after the series' existing sessions; all or none."""
    created = []
    with transaction.atomic():
        already = Session.objects.filter(series=series).count()
        for number, occurrence in enumerate(occurrences, start=already + 1):
            session = Session(
                series=series,
                **{field_in("title", series.language): f"{title} {number}"},
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                join_url=join_url,
            )
            session.full_clean()
            session.save()
            created.append(session)
    return created


def shift_wall_clock(value: dt.datetime, shift: dt.timedelta) -> dt.datetime:
    """Move a time by whole days on the Eastern wall clock, whatever daylight-saving change lies in between."""
    local = value.astimezone(EASTERN).replace(tzinfo=None) + shift
    return local.replace(tzinfo=EASTERN)
