"""Series validation: what staff typing in the admin are told, and what the database refuses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from series.models import Series
from tests.factories import HubFactory, SeriesFactory


def _series(**fields) -> Series:
    return Series(hub=HubFactory(), title="Long-Term Care Community of Practice", slug="ltc", **fields)


@pytest.mark.django_db
def test_registration_window_must_close_after_it_opens():
    opens = timezone.now()
    series = _series(registration_opens_at=opens, registration_closes_at=opens - dt.timedelta(hours=1))

    with pytest.raises(ValidationError) as error:
        series.full_clean()

    assert "Registration must close after it opens." in str(error.value)


@pytest.mark.django_db
def test_capacity_must_be_at_least_one_when_set():
    with pytest.raises(ValidationError) as error:
        _series(capacity=0).full_clean()

    assert "Capacity must be at least 1 when set." in str(error.value)
    _series(capacity=None).full_clean()  # no limit is fine


@pytest.mark.django_db
def test_slugs_are_unique():
    SeriesFactory(slug="ltc")

    with pytest.raises(ValidationError) as error:
        _series().full_clean()
    assert "slug" in error.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesFactory(slug="ltc")


@pytest.mark.django_db
def test_audience_accepts_only_known_professions():
    with pytest.raises(ValidationError) as error:
        _series(audience_professions=["wizard"]).full_clean()

    assert "audience_professions" in error.value.message_dict


@pytest.mark.django_db
def test_str_and_labels_read_well_in_admin():
    series = SeriesFactory(
        title="Heart Disease Community of Practice",
        audience_professions=["physician", "registered_nurse"],
        audience_settings=["long_term_care"],
        cohosts="McMaster University\n\n  Queen's University  \n",
    )

    assert str(series) == "Heart Disease Community of Practice"
    assert series.audience_profession_labels == ["Physician", "Registered nurse"]
    assert series.audience_setting_labels == ["Long-term care"]
    assert series.cohost_list == ["McMaster University", "Queen's University"]
