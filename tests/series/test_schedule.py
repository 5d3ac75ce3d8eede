"""The schedule helper's rules: same Eastern wall-clock time on every date, across daylight-saving changes."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from enrollment.services.cohorts import duplicate_as_cohort
from sessions.schedule import Rule, create_scheduled_sessions, plan_schedule
from tests.factories import EnrollmentKeyFactory, PresenterFactory, SeriesFactory, SessionFactory

EASTERN = zoneinfo.ZoneInfo("America/Toronto")


def _eastern_clock(occurrences):
    return [
        (o.starts_at.astimezone(EASTERN).strftime("%a %Y-%m-%d %H:%M"), o.ends_at.astimezone(EASTERN).strftime("%H:%M"))
        for o in occurrences
    ]


def test_weekly_across_the_spring_dst_change_keeps_noon_eastern():
    occurrences = plan_schedule(
        first_date=dt.date(2022, 3, 3), start_time=dt.time(12), duration_minutes=60, rule=Rule.WEEKLY, count=3
    )

    assert _eastern_clock(occurrences) == [
        ("Thu 2022-03-03 12:00", "13:00"),
        ("Thu 2022-03-10 12:00", "13:00"),
        ("Thu 2022-03-17 12:00", "13:00"),
    ]
    utc_hours = [o.starts_at.astimezone(dt.UTC).hour for o in occurrences]
    assert utc_hours == [17, 17, 16]


def test_every_two_and_four_weeks():
    two = plan_schedule(
        first_date=dt.date(2022, 2, 16), start_time=dt.time(13), duration_minutes=60, rule=Rule.EVERY_2_WEEKS, count=3
    )
    four = plan_schedule(
        first_date=dt.date(2022, 2, 16), start_time=dt.time(13), duration_minutes=60, rule=Rule.EVERY_4_WEEKS, count=2
    )

    assert [o.starts_at.date().isoformat() for o in two] == ["2022-02-16", "2022-03-02", "2022-03-16"]
    assert [o.starts_at.date().isoformat() for o in four] == ["2022-02-16", "2022-03-16"]


def test_monthly_on_the_same_weekday_follows_the_ltc_second_thursdays():
    # The LTC community of practice met on the second Thursday: Dec 9, Jan 13, Feb 10, Mar 10, Apr 14.
    occurrences = plan_schedule(
        first_date=dt.date(2021, 12, 9),
        start_time=dt.time(12),
        duration_minutes=60,
        rule=Rule.MONTHLY_SAME_WEEKDAY,
        until=dt.date(2022, 4, 30),
    )

    assert [o.starts_at.date().isoformat() for o in occurrences] == [
        "2021-12-09",
        "2022-01-13",
        "2022-02-10",
        "2022-03-10",
        "2022-04-14",
    ]


def test_monthly_from_a_fifth_weekday_uses_the_last_one():
    occurrences = plan_schedule(
        first_date=dt.date(2022, 3, 31),
        start_time=dt.time(12),
        duration_minutes=60,
        rule=Rule.MONTHLY_SAME_WEEKDAY,
        count=3,
    )

    assert [o.starts_at.date().isoformat() for o in occurrences] == ["2022-03-31", "2022-04-28", "2022-05-26"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": None, "until": None}, "Give either a number of sessions or a last date."),
        ({"count": None, "until": dt.date(2022, 1, 1)}, "The last date must be on or after the first date."),
        ({"count": 500}, "more than 60 sessions"),
        ({"count": 2, "rule": "yearly"}, "Choose how often the sessions repeat."),
    ],
)
def test_impossible_schedules_are_explained(kwargs, message):
    arguments = {
        "first_date": dt.date(2022, 3, 3),
        "start_time": dt.time(12),
        "duration_minutes": 60,
        "rule": Rule.WEEKLY,
        **kwargs,
    }

    with pytest.raises(ValidationError) as error:
        plan_schedule(**arguments)

    assert message in str(error.value)


@pytest.mark.django_db
def test_created_sessions_are_numbered_after_the_existing_ones():
    series = SeriesFactory()
    SessionFactory(series=series)
    occurrences = plan_schedule(
        first_date=dt.date(2031, 1, 9), start_time=dt.time(12), duration_minutes=90, rule=Rule.WEEKLY, count=2
    )

    created = create_scheduled_sessions(series=series, occurrences=occurrences, title="Session", join_url="")

    assert [s.title for s in created] == ["Session 2", "Session 3"]
    assert all(s.duration_minutes == 90 for s in created)


@pytest.mark.django_db
def test_duplicate_as_cohort_shifts_sessions_by_whole_weeks_keeping_eastern_time_and_adds_a_key():
    series = SeriesFactory(title="LTC CoP", registration_mode="key")
    EnrollmentKeyFactory(series=series, code="LTC2122")
    winter = SessionFactory(
        series=series,
        starts_at=dt.datetime(2030, 2, 14, 12, tzinfo=EASTERN),
        ends_at=dt.datetime(2030, 2, 14, 13, tzinfo=EASTERN),
    )
    presenter = PresenterFactory()
    winter.presenters.add(presenter)

    copy = duplicate_as_cohort(series=series, title="LTC CoP 2031", slug="ltc-2031", weeks=6, key_code=" ltc2031 ")

    assert copy.status == "draft" and copy.slug == "ltc-2031" and copy.pk != series.pk
    moved = copy.sessions.get()
    # Six weeks later is after the spring change: still noon on the Eastern clock, a different UTC hour.
    assert moved.starts_at.astimezone(EASTERN) == dt.datetime(2030, 3, 28, 12, tzinfo=EASTERN)
    assert list(moved.presenters.all()) == [presenter]
    assert list(copy.keys.values_list("code", "is_active")) == [("LTC2031", True)]
    assert series.sessions.count() == 1  # the original is untouched


@pytest.mark.django_db
def test_duplicate_with_a_key_already_active_is_refused_and_creates_nothing():
    series = SeriesFactory(title="Heart CoP")
    EnrollmentKeyFactory(series=series, code="HEART22")
    SessionFactory(series=series)

    with pytest.raises(ValidationError):
        duplicate_as_cohort(series=series, title="Heart again", slug="heart-again", weeks=52, key_code="heart22")

    assert not series.__class__.objects.filter(slug="heart-again").exists()
