"""What a visitor sees on the home page, the catalog and a series page."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from series.models import Series
from tests.factories import (
    EnrollmentFactory,
    HubFactory,
    PresenterFactory,
    SeriesFactory,
    SessionFactory,
)

EASTERN = zoneinfo.ZoneInfo("America/Toronto")


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_home_lists_upcoming_sessions_by_day_with_series_time_credits_language_and_state(client):
    ltc = SeriesFactory(
        title="Long-Term Care Community of Practice",
        registration_mode=Series.RegistrationMode.KEY,
        credits_per_hour=Decimal("1"),
    )
    fr = SeriesFactory(title="Communauté de pratique francophone", language="fr")
    SessionFactory(series=ltc, title="Advance Care Planning", days_from_now=3)
    SessionFactory(series=fr, title="Fin de vie", days_from_now=3)
    SessionFactory(series=ltc, title="Held last week", days_from_now=-7)
    SessionFactory(series=ltc, title="Cancelled one", days_from_now=4, status="cancelled")
    SessionFactory(series=SeriesFactory(status=Series.Status.DRAFT), title="Draft session", days_from_now=3)

    page = _text(client.get("/"))

    day = timezone.localdate(timezone=EASTERN) + dt.timedelta(days=3)
    assert page.count('<h2 class="day-heading"') == 1
    assert day.strftime("%A, %B ") + str(day.day) in page
    assert "Advance Care Planning" in page and "Fin de vie" in page
    assert "12:00 – 1:00 p.m. ET" in page
    assert "1 credit" in page
    assert "French" in page and "English" in page
    assert "Registration open" in page
    assert "Held last week" not in page and "Cancelled one" not in page and "Draft session" not in page


@pytest.mark.django_db
def test_home_lists_communities_of_practice_open_for_registration(client):
    ltc = SeriesFactory(title="Long-Term Care Community of Practice")
    SessionFactory(series=ltc, days_from_now=20)
    full = SeriesFactory(title="Full Community", capacity=1)
    SessionFactory(series=full, days_from_now=20)
    EnrollmentFactory(series=full)
    webinar = SeriesFactory(title="A Webinar", kind=Series.Kind.WEBINAR)
    SessionFactory(series=webinar, days_from_now=20)

    response = client.get("/")
    section = _text(response).split('id="open-communities"')[1]

    assert "Long-Term Care Community of Practice" in section
    assert "Full Community" not in section.split("</ul>")[0]
    assert "A Webinar" not in section.split("</ul>")[0]


@pytest.mark.django_db
def test_home_has_an_enrollment_key_box_when_the_enrollment_view_exists(client):
    from django.urls import NoReverseMatch

    page = _text(client.get("/"))
    try:
        action = reverse("enrollment:enroll_by_key")
    except NoReverseMatch:
        assert "Have an enrollment key?" not in page
        return
    assert f'action="{action}"' in page
    assert '<label for="home_key">Enrollment key' in page
    assert 'name="key"' in page


@pytest.mark.django_db
def test_home_in_french(client):
    SessionFactory(title="Fin de vie", days_from_now=3)

    page = _text(client.get("/", HTTP_ACCEPT_LANGUAGE="fr"))

    assert '<html lang="fr">' in page
    assert "Séances à venir" in page
    assert "12 h 00 à 13 h 00 HE" in page
    assert "Inscription ouverte" in page


@pytest.mark.django_db
def test_catalog_filters_by_hub_kind_language_profession_and_open(client):
    north = HubFactory(name="Northern Lakes Palliative Hub (demo)", slug="northern-lakes")
    ltc = SeriesFactory(title="LTC CoP", hub=north, audience_professions=["psw"])
    SessionFactory(series=ltc, days_from_now=5)
    webinar = SeriesFactory(title="Cannabis Webinar", kind=Series.Kind.WEBINAR)
    SessionFactory(series=webinar, days_from_now=5)
    french = SeriesFactory(title="CdP francophone", language="fr", audience_professions=["physician"])
    SessionFactory(series=french, days_from_now=5)
    archive = SeriesFactory(title="Archived run", audience_professions=["physician"])
    SessionFactory(series=archive, days_from_now=-50)

    def titles(query: str) -> set[str]:
        page = _text(client.get(f"/series/?{query}"))
        return {t for t in ("LTC CoP", "Cannabis Webinar", "CdP francophone", "Archived run") if t in page}

    assert titles("") == {"LTC CoP", "Cannabis Webinar", "CdP francophone", "Archived run"}
    assert titles("hub=northern-lakes") == {"LTC CoP"}
    assert titles("kind=webinar") == {"Cannabis Webinar"}
    assert titles("language=fr") == {"CdP francophone"}
    # A series for everyone is for physicians too.
    assert titles("profession=physician") == {"Cannabis Webinar", "CdP francophone", "Archived run"}
    assert titles("open=on") == {"LTC CoP", "Cannabis Webinar", "CdP francophone"}
    assert titles("open=on&profession=physician&language=en") == {"Cannabis Webinar"}


@pytest.mark.django_db
def test_catalog_shows_each_series_state_in_words(client):
    opening = SeriesFactory(title="Opening later", registration_opens_at=timezone.now() + dt.timedelta(days=400))
    SessionFactory(series=opening, days_from_now=500)
    closed = SeriesFactory(title="QI Collaborative", registration_mode=Series.RegistrationMode.CLOSED)
    SessionFactory(series=closed, days_from_now=5)

    page = _text(client.get("/series/"))

    assert "Registration opens on " in page
    assert "Registration closed" in page


@pytest.mark.django_db
def test_catalog_bad_filter_values_are_explained_and_ignored(client):
    SessionFactory(series=SeriesFactory(title="LTC CoP"), days_from_now=5)

    response = client.get("/series/?hub=nowhere&kind=astrology&language=en&page=abc")

    assert response.status_code == 200
    page = _text(response)
    assert "Select a valid choice" in page
    assert 'aria-describedby="id_kind_error"' in page or "id_kind_error" in page
    assert "LTC CoP" in page  # the valid filter (English) still applies, the rest is ignored


@pytest.mark.django_db
def test_catalog_filter_form_is_labelled(client):
    page = _text(client.get("/series/"))

    for field in ("hub", "kind", "language", "profession", "open"):
        assert f'for="id_{field}"' in page
    assert 'method="get"' in page


@pytest.mark.django_db
def test_catalog_is_paginated(client):
    for n in range(30):
        SeriesFactory(title=f"Series {n:02d}")

    first = _text(client.get("/series/"))
    second = _text(client.get("/series/?page=2"))

    assert "30 programs" in first
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert first.count('<li class="card">') == 24
    assert second.count('<li class="card">') == 6


@pytest.mark.django_db
def test_series_page_shows_description_audience_cohosts_accreditation_and_every_session(client):
    series = SeriesFactory(
        title="Long-Term Care Community of Practice",
        description='<p>Monthly <strong>case-based</strong> learning.</p><script>alert("x")</script>',
        audience_description="Health care professionals working in long-term care",
        audience_professions=["psw"],
        cohosts="McMaster University\nQueen's University",
        accreditation_statement="Certified by the College of Family Physicians of Canada for up to 12 Mainpro+ credits",
        credits_per_hour=Decimal("1"),
        max_credits=Decimal("12"),
    )
    presenter = PresenterFactory(name="Dr. José Pereira", credentials="MD")
    past = SessionFactory(
        series=series,
        title="Individuals and their Families as Members of the Team",
        starts_at=dt.datetime(2022, 3, 10, 12, tzinfo=EASTERN),
        ends_at=dt.datetime(2022, 3, 10, 13, tzinfo=EASTERN),
    )
    past.presenters.add(presenter)
    SessionFactory(series=series, title="Next one", days_from_now=9)

    page = _text(client.get(series.get_absolute_url()))

    assert "<h1>Long-Term Care Community of Practice</h1>" in page
    assert "<strong>case-based</strong>" in page and "<script>alert" not in page
    assert "Health care professionals working in long-term care" in page
    assert "Personal support worker / health care aide" in page
    assert "McMaster University" in page and "Queen&#x27;s University" in page
    assert "up to 12 Mainpro+ credits" in page and "Mainpro+: up to 12 credits" in page
    assert "Attendance that earns credits: at least 75% of a session." in page
    assert "Thursday, March 10, 2022, 12:00 – 1:00 p.m. ET" in page
    assert "Dr. José Pereira, MD" in page
    assert "Next one" in page
    assert 'id="actions-heading"' in page  # the enrollment call to action is included


@pytest.mark.django_db
def test_series_page_in_french_writes_times_the_french_way(client):
    series = SeriesFactory()
    SessionFactory(
        series=series,
        starts_at=dt.datetime(2022, 3, 10, 12, tzinfo=EASTERN),
        ends_at=dt.datetime(2022, 3, 10, 13, tzinfo=EASTERN),
    )

    page = _text(client.get(series.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr"))

    assert "jeudi 10 mars 2022, 12 h 00 à 13 h 00 HE" in page


@pytest.mark.django_db
def test_draft_and_unknown_series_are_not_found(client):
    draft = SeriesFactory(status=Series.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/series/no-such-series/").status_code == 404


@pytest.mark.django_db
def test_pages_refuse_post(client):
    assert client.post("/series/").status_code == 405
    assert client.post("/").status_code == 405
