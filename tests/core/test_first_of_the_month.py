"""French writes the first of the month as an ordinal, "1er décembre", on pages, certificates and in emails."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.content_support import only_row

pytestmark = pytest.mark.django_db

# Noon Eastern on Sunday 1 December 2030.
DEC_1_NOON_ET = dt.datetime(2030, 12, 1, 17, 0, tzinfo=dt.UTC)


def _written(value, pattern="DATE_FORMAT") -> str:
    template = Template("{% load echo_format %}{{ value|written_date:pattern }}")
    return template.render(Context({"value": value, "pattern": pattern}))


def test_the_filter_writes_the_first_as_french_and_english_write_it():
    with translation.override("fr"):
        assert _written(dt.date(2030, 12, 1)) == "1er décembre 2030"
        assert _written(dt.date(2030, 12, 2)) == "2 décembre 2030"
        assert _written(dt.date(2030, 12, 1), "l j F Y") == "dimanche 1er décembre 2030"
    with translation.override("en"):
        assert _written(dt.date(2030, 12, 1)) == "December 1, 2030"
    assert _written(None) == ""


def test_the_first_is_the_first_where_the_reader_is():
    # 05:00 UTC on 2 December is still 1 December in Vancouver, and already the 2nd in Toronto.
    moment = dt.datetime(2030, 12, 2, 5, 0, tzinfo=dt.UTC)
    with translation.override("fr"):
        with timezone.override("America/Vancouver"):
            assert _written(moment) == "1er décembre 2030"
        with timezone.override("America/Toronto"):
            assert _written(moment) == "2 décembre 2030"


@pytest.mark.parametrize(
    "language, expected",
    [
        ("fr", "dimanche 1er décembre 2030, 12 h 00 à 13 h 00 HE"),
        ("en", "Sunday, December 1, 2030, 12:00 – 1:00 p.m. ET"),
    ],
)
def test_the_confirmation_email_of_a_registration_on_the_first(language, expected, clinician, hub):
    series = factories.SeriesFactory(hub=hub, slug="first", registration_mode=Series.RegistrationMode.OPEN)
    session = factories.SessionFactory(
        series=series,
        title="First of the month",
        starts_at=DEC_1_NOON_ET,
        ends_at=DEC_1_NOON_ET + dt.timedelta(hours=1),
    )
    clinician.preferred_language = language
    clinician.save()
    client = Client()
    client.force_login(clinician)

    response = client.post(
        reverse("enrollment:register", args=[series.slug]), {"sessions": [session.pk], "consent": "on"}
    )

    assert response.status_code == 302
    email = only_row(OutboundEmail.Kind.REGISTRATION)
    assert email.recipient == clinician.email
    assert expected in email.body_text
    assert expected in email.body_html


def test_english_writes_every_month_in_full_as_the_portals_sentences_do():
    with translation.override("en"):
        assert _written(dt.date(2022, 12, 8)) == "December 8, 2022"
        assert _written(dt.date(2022, 7, 14)) == "July 14, 2022"
    with translation.override("fr"):
        assert _written(dt.date(2022, 12, 8)) == "8 décembre 2022"
