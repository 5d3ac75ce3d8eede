"""Session and resource validation, and what a session is worth in credits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sessions.models import Resource
from tests.factories import SeriesFactory, SessionFactory


@pytest.mark.django_db
def test_a_session_must_end_after_it_starts():
    session = SessionFactory.build(series=SeriesFactory())
    session.ends_at = session.starts_at

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "A session must end after it starts." in str(error.value)


@pytest.mark.django_db
def test_session_capacity_must_be_positive():
    session = SessionFactory.build(series=SeriesFactory(), capacity=0)

    with pytest.raises(ValidationError) as error:
        session.full_clean()

    assert "Capacity must be at least 1 when set." in str(error.value)


@pytest.mark.django_db
def test_a_resource_needs_a_link_a_file_or_text():
    session = SessionFactory(days_from_now=-3)

    with pytest.raises(ValidationError) as error:
        Resource(session=session, kind=Resource.Kind.SLIDES).full_clean()
    assert "Give a link, a file or the text." in str(error.value)

    Resource(session=session, kind=Resource.Kind.QA, text="Q: … A: …").full_clean()


@pytest.mark.django_db
def test_session_credits_follow_the_series_rate_and_length():
    series = SeriesFactory(credits_per_hour=Decimal("1.00"))
    hour = SessionFactory(series=series)
    ninety = SessionFactory(series=series)
    ninety.ends_at = ninety.starts_at + dt.timedelta(minutes=90)

    assert hour.credits == Decimal("1")
    assert ninety.credits == Decimal("1.5")
    assert SessionFactory().credits is None


@pytest.mark.django_db
def test_str_names_the_session_and_its_eastern_date():
    session = SessionFactory(title="Advance Care Planning")
    session.starts_at = dt.datetime(2022, 4, 15, 0, 30, tzinfo=dt.UTC)  # 8:30 p.m. on April 14 in Toronto

    assert str(session) == "Advance Care Planning (2022-04-14)"
