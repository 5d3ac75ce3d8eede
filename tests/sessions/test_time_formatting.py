"""Session times in words, in the viewer's zone with the zone named, in English and French, across DST."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.formatting import (
    format_credits,
    format_session_when,
    format_time,
    format_time_range,
    sanitize_html,
    zone_abbreviation,
)
from tests.factories import SeriesFactory, SessionFactory, UserFactory

EASTERN = zoneinfo.ZoneInfo("America/Toronto")


def _eastern(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=EASTERN)


@pytest.fixture
def ltc_session():
    """Individuals and their Families as Members of the Team: Thursday, March 10, 2022, noon Eastern."""
    return _eastern(2022, 3, 10, 12, 0), _eastern(2022, 3, 10, 13, 0)


def test_english_eastern(ltc_session):
    with timezone.override(EASTERN), translation.override("en"):
        assert format_session_when(*ltc_session) == "Thursday, March 10, 2022, 12:00 – 1:00 p.m. ET"


def test_french_eastern(ltc_session):
    with timezone.override(EASTERN), translation.override("fr"):
        assert format_session_when(*ltc_session) == "jeudi 10 mars 2022, 12 h 00 à 13 h 00 HE"


def test_french_writes_the_first_of_the_month_as_an_ordinal():
    starts = _eastern(2026, 12, 1, 14, 0)
    with timezone.override(EASTERN), translation.override("fr"):
        assert (
            format_session_when(starts, starts + dt.timedelta(hours=1))
            == "mardi 1er décembre 2026, 14 h 00 à 15 h 00 HE"
        )
    with timezone.override(EASTERN), translation.override("en"):
        assert (
            format_session_when(starts, starts + dt.timedelta(hours=1))
            == "Tuesday, December 1, 2026, 2:00 – 3:00 p.m. ET"
        )


def test_morning_to_afternoon_names_both_halves_of_the_day():
    with timezone.override(EASTERN), translation.override("en"):
        assert format_time_range(_eastern(2022, 4, 14, 11, 30), _eastern(2022, 4, 14, 12, 30)) == (
            "11:30 a.m. – 12:30 p.m. ET"
        )


def test_newfoundland_viewer_sees_half_hour_zone(ltc_session):
    with timezone.override(zoneinfo.ZoneInfo("America/St_Johns")), translation.override("en"):
        assert format_session_when(*ltc_session) == "Thursday, March 10, 2022, 1:30 – 2:30 p.m. NT (12:00 p.m. ET)"
    with timezone.override(zoneinfo.ZoneInfo("America/St_Johns")), translation.override("fr"):
        assert format_session_when(*ltc_session) == "jeudi 10 mars 2022, 13 h 30 à 14 h 30 HT (12 h 00 HE)"


def test_british_columbia_viewer_sees_pacific_time(ltc_session):
    with timezone.override(zoneinfo.ZoneInfo("America/Vancouver")), translation.override("en"):
        assert format_session_when(*ltc_session) == "Thursday, March 10, 2022, 9:00 – 10:00 a.m. PT (12:00 p.m. ET)"


def test_sessions_either_side_of_the_dst_change_keep_their_wall_clock_time():
    # Daylight saving began on Sunday, March 13, 2022: same noon on the wall, different UTC hour.
    before = _eastern(2022, 3, 10, 12, 0)
    after = _eastern(2022, 3, 17, 12, 0)
    assert before.astimezone(dt.UTC).hour == 17
    assert after.astimezone(dt.UTC).hour == 16

    with timezone.override(EASTERN), translation.override("en"):
        assert format_time_range(before, before + dt.timedelta(hours=1)) == "12:00 – 1:00 p.m. ET"
        assert format_time_range(after, after + dt.timedelta(hours=1)) == "12:00 – 1:00 p.m. ET"
    with timezone.override(zoneinfo.ZoneInfo("America/Regina")), translation.override("en"):
        # Saskatchewan keeps standard time all year: the same session moves on its clock.
        assert format_time_range(before, before + dt.timedelta(hours=1)) == "11:00 a.m. – 12:00 p.m. CT (12:00 p.m. ET)"
        assert format_time_range(after, after + dt.timedelta(hours=1)) == "10:00 – 11:00 a.m. CT (12:00 p.m. ET)"


def test_a_session_spanning_the_dst_change_is_written_on_the_real_clock():
    # 1:30 a.m. EST to 3:30 a.m. EDT on March 13, 2022 is one real hour.
    starts = dt.datetime(2022, 3, 13, 6, 30, tzinfo=dt.UTC)
    ends = starts + dt.timedelta(hours=1)
    with timezone.override(EASTERN), translation.override("en"):
        assert format_session_when(starts, ends) == "Sunday, March 13, 2022, 1:30 – 3:30 a.m. ET"


def test_zone_names_for_every_canadian_zone():
    moment = dt.datetime(2022, 7, 1, 16, 0, tzinfo=dt.UTC)
    expected = {
        "America/St_Johns": ("NT", "HT"),
        "America/Halifax": ("AT", "HA"),
        "America/Toronto": ("ET", "HE"),
        "America/Winnipeg": ("CT", "HC"),
        "America/Regina": ("CT", "HC"),
        "America/Edmonton": ("MT", "HR"),
        "America/Whitehorse": ("MT", "HR"),
        "America/Vancouver": ("PT", "HP"),
    }
    for zone, (english, french) in expected.items():
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            with translation.override("en"):
                assert zone_abbreviation(moment) == english, zone
            with translation.override("fr"):
                assert zone_abbreviation(moment) == french, zone


def test_credits_in_words():
    with translation.override("en"):
        assert format_credits(Decimal("1.00")) == "1 credit"
        assert format_credits(Decimal("1.50")) == "1.5 credits"
        assert format_credits(Decimal("12")) == "12 credits"
        assert format_credits(None) == ""
    with translation.override("fr"):
        assert format_credits(Decimal("1.50")) == "1,5 crédit"
        assert format_credits(Decimal("12")) == "12 crédits"


def test_sanitize_keeps_structure_and_drops_scripts():
    html = '<p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://pallium.ca">ok</a></p><script>alert(1)</script>'

    cleaned = sanitize_html(html)

    assert "<script" not in cleaned and "onclick" not in cleaned and "javascript:" not in cleaned
    assert '<a href="https://pallium.ca" rel="noopener noreferrer nofollow">ok</a>' in cleaned


@pytest.mark.django_db
def test_a_signed_in_viewer_in_newfoundland_sees_newfoundland_time_on_the_series_page(client):
    series = SeriesFactory(title="Long-Term Care Community of Practice")
    SessionFactory(series=series, starts_at=_eastern(2030, 3, 14, 12, 0), ends_at=_eastern(2030, 3, 14, 13, 0))
    client.force_login(UserFactory(province="NL", time_zone=""))

    page = client.get(series.get_absolute_url()).content.decode()

    assert "Thursday, March 14, 2030, 1:30 – 2:30 p.m. NT (12:00 p.m. ET)" in page


@pytest.mark.django_db
def test_an_anonymous_viewer_sees_eastern_time(client):
    series = SeriesFactory()
    SessionFactory(series=series, starts_at=_eastern(2030, 3, 14, 12, 0), ends_at=_eastern(2030, 3, 14, 13, 0))

    page = client.get(series.get_absolute_url()).content.decode()

    assert "Thursday, March 14, 2030, 12:00 – 1:00 p.m. ET" in page


def test_a_viewer_in_the_programmes_zone_reads_one_time_only(ltc_session):
    with timezone.override(zoneinfo.ZoneInfo("America/Toronto")), translation.override("en"):
        assert "(" not in format_session_when(*ltc_session)
    # Same clock as Eastern Time that day (Nipigon is Eastern): nothing to add either.
    with timezone.override(zoneinfo.ZoneInfo("America/Nipigon")), translation.override("fr"):
        assert format_session_when(*ltc_session) == "jeudi 10 mars 2022, 12 h 00 à 13 h 00 HE"


def test_a_single_time_names_both_zones_too():
    moment = _eastern(2022, 3, 10, 12, 0)
    with timezone.override(zoneinfo.ZoneInfo("America/Vancouver")), translation.override("en"):
        assert format_time(moment) == "9:00 a.m. PT (12:00 p.m. ET)"
    with timezone.override(zoneinfo.ZoneInfo("America/Edmonton")), translation.override("fr"):
        assert format_time(moment) == "10 h 00 HR (12 h 00 HE)"


@pytest.mark.django_db
def test_a_clinician_in_vancouver_reads_both_times_on_the_session_page_and_in_the_picker(client):
    series = SeriesFactory(slug="ltc-cop")
    session = SessionFactory(
        series=series, starts_at=_eastern(2030, 3, 14, 12, 0), ends_at=_eastern(2030, 3, 14, 13, 0)
    )
    client.force_login(UserFactory(time_zone="America/Vancouver"))

    page = client.get(session.get_absolute_url()).content.decode()
    picker = client.get(reverse("enrollment:register", args=["ltc-cop"])).content.decode()

    assert "Thursday, March 14, 2030, 9:00 – 10:00 a.m. PT (12:00 p.m. ET)" in page
    assert "9:00 – 10:00 a.m. PT (12:00 p.m. ET)" in picker
