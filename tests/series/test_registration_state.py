"""The words a series' registration is described with, from one function, and its SQL twin for filters."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone, translation

from enrollment.registration import open_for_registration_q, registration_state, with_registration_facts
from series.models import Series
from tests.factories import EnrollmentFactory, SeriesFactory, SessionFactory


def _with_upcoming_session(**fields) -> Series:
    series = SeriesFactory(**fields)
    SessionFactory(series=series, days_from_now=10)
    return series


def _open_in_sql(series: Series) -> bool:
    return with_registration_facts(Series.objects.filter(pk=series.pk)).filter(open_for_registration_q()).exists()


@pytest.mark.django_db
def test_open_series_with_an_upcoming_session_says_registration_open():
    series = _with_upcoming_session()

    state = registration_state(series)

    assert state.label == "Registration open"
    assert state.is_open
    assert _open_in_sql(series)


@pytest.mark.django_db
def test_a_window_not_yet_open_names_its_day():
    opens = dt.datetime(timezone.now().year + 1, 3, 3, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/Toronto"))
    series = _with_upcoming_session(registration_opens_at=opens)

    state = registration_state(series)

    assert state.code == "not_yet_open"
    assert state.label == f"Registration opens on March 3, {opens.year}"
    assert not _open_in_sql(series)
    with translation.override("fr"):
        assert registration_state(series).label == f"Inscription ouverte à partir du 3 mars {opens.year}"


@pytest.mark.django_db
def test_this_years_opening_day_is_written_without_the_year():
    now = timezone.localtime(timezone.now())
    opens = now + dt.timedelta(hours=1)
    series = _with_upcoming_session(registration_opens_at=opens)

    label = registration_state(series, now=now).label
    if opens.year == now.year:
        assert label == f"Registration opens on {opens:%B} {opens.day}"
    else:  # New Year's Eve: next year's date keeps its year
        assert label.endswith(str(opens.year))


@pytest.mark.django_db
def test_full_when_active_enrollments_reach_capacity():
    series = _with_upcoming_session(capacity=2)
    EnrollmentFactory(series=series)
    EnrollmentFactory(series=series, status="withdrawn")
    assert registration_state(series).label == "Registration open"

    EnrollmentFactory(series=series)

    assert registration_state(series).label == "Full"
    assert not _open_in_sql(series)


@pytest.mark.django_db
def test_closed_by_mode_by_window_or_because_every_session_is_over():
    closed_mode = _with_upcoming_session(registration_mode=Series.RegistrationMode.CLOSED)
    window_over = _with_upcoming_session(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    all_held = SeriesFactory()
    SessionFactory(series=all_held, days_from_now=-30)
    nothing_scheduled = SeriesFactory()

    for series in (closed_mode, window_over, all_held, nothing_scheduled):
        assert registration_state(series).label == "Registration closed"
        assert not _open_in_sql(series)


@pytest.mark.django_db
def test_a_cancelled_last_session_does_not_keep_registration_open():
    series = SeriesFactory()
    SessionFactory(series=series, days_from_now=-3)
    SessionFactory(series=series, days_from_now=5, status="cancelled")

    assert registration_state(series).label == "Registration closed"


@pytest.mark.django_db
def test_annotated_series_are_judged_without_a_query(django_assert_num_queries):
    _with_upcoming_session(capacity=5)
    series = with_registration_facts(Series.objects.all()).get()

    # No query: the facts came with the series.
    with django_assert_num_queries(0):
        assert registration_state(series).label == "Registration open"


@pytest.mark.django_db
def test_the_facts_built_once_are_read_afresh_by_every_query():
    series = _with_upcoming_session(capacity=2)
    EnrollmentFactory(series=series)
    first = with_registration_facts(Series.objects.all()).get()
    EnrollmentFactory(series=series)
    second = with_registration_facts(Series.objects.filter(pk=series.pk)).get()

    assert (first.active_enrollment_count, second.active_enrollment_count) == (1, 2)
    assert (registration_state(first).label, registration_state(second).label) == ("Registration open", "Full")
    assert not _open_in_sql(series)


@pytest.mark.django_db
def test_key_mode_is_open_for_registration_with_a_key():
    series = _with_upcoming_session(registration_mode=Series.RegistrationMode.KEY)

    assert registration_state(series).label == "Registration open"
    with translation.override("fr"):
        assert registration_state(series).label == "Inscription ouverte"
