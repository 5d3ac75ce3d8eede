"""One session's page and the past-session archive."""

import pytest

from series.models import Series
from sessions.models import Resource
from tests.factories import (
    PresenterFactory,
    RegistrationFactory,
    ResourceFactory,
    SeriesFactory,
    SessionFactory,
)


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_session_page_shows_presenters_time_and_public_materials_but_never_the_join_link_to_visitors(client):
    session = SessionFactory(title="Advance Care Planning", days_from_now=-3, join_url="https://zoom.example.org/j/123")
    session.presenters.add(PresenterFactory(name="Dr. Leonie Herx", organisation="Queen's University"))
    ResourceFactory(session=session, kind=Resource.Kind.RECORDING, title="Recording", url="https://v.example.org/r")
    ResourceFactory(
        session=session,
        kind=Resource.Kind.SLIDES,
        title="Slides",
        url="https://v.example.org/s",
        visibility=Resource.Visibility.REGISTRANTS,
    )
    ResourceFactory(session=session, kind=Resource.Kind.HANDOUT, title="Draft handout", published_at=None)

    page = _text(client.get(session.get_absolute_url()))

    assert "<h1>Advance Care Planning</h1>" in page
    assert "Dr. Leonie Herx" in page and "Queen&#x27;s University" in page
    assert "p.m. ET" in page
    assert 'href="https://v.example.org/r"' in page
    assert "https://v.example.org/s" not in page  # registrants only
    assert "Draft handout" not in page  # not published
    assert "zoom.example.org" not in page


@pytest.mark.django_db
def test_registrants_see_registrants_only_materials(client, clinician):
    session = SessionFactory(days_from_now=-3)
    ResourceFactory(
        session=session, title="Slides", url="https://v.example.org/s", visibility=Resource.Visibility.REGISTRANTS
    )
    RegistrationFactory(user=clinician, session=session)
    client.force_login(clinician)

    page = _text(client.get(session.get_absolute_url()))

    assert 'href="https://v.example.org/s"' in page
    assert "Registrants only" in page


@pytest.mark.django_db
def test_qa_written_out_is_shown_on_the_session_page(client):
    session = SessionFactory(days_from_now=-3)
    ResourceFactory(session=session, kind=Resource.Kind.QA, url="", text="Q: Is morphine safe?\nA: Yes, titrated.")

    page = _text(client.get(session.get_absolute_url()))

    assert "Is morphine safe?" in page


@pytest.mark.django_db
def test_cancelled_session_says_so(client):
    session = SessionFactory(status="cancelled")

    page = _text(client.get(session.get_absolute_url()))

    assert "This session was cancelled." in page


@pytest.mark.django_db
def test_sessions_of_draft_series_and_unknown_ids_are_not_found(client):
    draft = SessionFactory(series=SeriesFactory(status=Series.Status.DRAFT))

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/sessions/999999/").status_code == 404


@pytest.mark.django_db
def test_past_sessions_lists_held_sessions_newest_first_with_public_materials(client):
    ltc = SeriesFactory(title="Long-Term Care Community of Practice")
    older = SessionFactory(series=ltc, title="Introductory Session", days_from_now=-60)
    newer = SessionFactory(series=ltc, title="Advance Care Planning", days_from_now=-10)
    ResourceFactory(session=newer, title="Recording", url="https://v.example.org/acp")
    ResourceFactory(session=older, title="Secret slides", url="https://v.example.org/x", visibility="registrants")
    SessionFactory(series=ltc, title="Still to come", days_from_now=10)
    SessionFactory(series=ltc, title="Was cancelled", days_from_now=-5, status="cancelled")

    page = _text(client.get("/sessions/past/"))

    assert page.index("Advance Care Planning") < page.index("Introductory Session")
    assert 'href="https://v.example.org/acp"' in page
    assert "Secret slides" not in page
    assert "Still to come" not in page and "Was cancelled" not in page
    assert "2 sessions" in page


@pytest.mark.django_db
def test_past_sessions_search_by_title_and_filter_by_series_and_language(client):
    ltc = SeriesFactory(title="Long-Term Care Community of Practice", slug="ltc")
    heart = SeriesFactory(title="Heart Disease Community of Practice", slug="heart")
    french = SeriesFactory(title="Communauté francophone", slug="fr", language="fr")
    SessionFactory(series=ltc, title="Advance Care Planning", days_from_now=-10)
    SessionFactory(series=heart, title="Models of Care in the Home Care Setting", days_from_now=-10)
    SessionFactory(series=french, title="Fin de vie de maladies neurologiques dégénératives", days_from_now=-10)

    def titles(query):
        page = _text(client.get(f"/sessions/past/?{query}"))
        return {
            t
            for t in ("Advance Care Planning", "Models of Care in the Home", "Fin de vie de maladies")
            if f">{t}" in page
        }

    assert titles("q=advance") == {"Advance Care Planning"}
    assert titles("q=ADVANCE+care") == {"Advance Care Planning"}
    assert titles("series=heart") == {"Models of Care in the Home"}
    assert titles("language=fr") == {"Fin de vie de maladies"}
    assert titles("q=care&language=en") == {"Advance Care Planning", "Models of Care in the Home"}
    assert titles("series=nope") == {"Advance Care Planning", "Models of Care in the Home", "Fin de vie de maladies"}


@pytest.mark.django_db
def test_in_french_past_sessions_are_found_by_the_title_shown_and_their_series_listed_in_order(client):
    english_only = SeriesFactory(title_en="Heart Disease Community of Practice", title_fr="", slug="heart")
    bilingual = SeriesFactory(title_en="Long-Term Care", title_fr="Soins de longue durée", slug="ltc")
    SessionFactory(series=english_only, title_en="Practical Cannabis", title_fr="", days_from_now=-10)
    SessionFactory(
        series=bilingual, title_en="Advance Care Planning", title_fr="Planification préalable", days_from_now=-9
    )
    client.cookies["django_language"] = "fr"

    def titles(query):
        page = _text(client.get(f"/sessions/past/?{query}"))
        return {t for t in ("Practical Cannabis", "Planification préalable") if f">{t}" in page}

    assert titles("q=cannabis") == {"Practical Cannabis"}  # shown in English, found in French
    assert titles("q=heart+disease") == {"Practical Cannabis"}  # by its series' title
    assert titles("q=advance") == {"Planification préalable"}  # the other language's title finds it too
    assert titles("q=planification") == {"Planification préalable"}
    page = _text(client.get("/sessions/past/"))
    assert page.index(">Heart Disease Community of Practice</option>") < page.index(">Soins de longue durée</option>")


@pytest.mark.django_db
def test_past_sessions_are_paginated(client):
    series = SeriesFactory()
    for n in range(25):
        SessionFactory(series=series, title=f"Held {n}", days_from_now=-(n + 1))

    first = _text(client.get("/sessions/past/"))
    last = client.get("/sessions/past/?page=99")

    assert "Page 1 of 2" in first and "page=2" in first
    assert last.status_code == 200 and "Page 2 of 2" in _text(last)


@pytest.mark.django_db
def test_past_sessions_search_form_is_labelled(client):
    page = _text(client.get("/sessions/past/"))

    assert 'for="id_q"' in page and 'type="search"' in page
    assert 'for="id_series"' in page and 'for="id_language"' in page


@pytest.mark.django_db
def test_a_visitor_on_an_upcoming_session_can_sign_in_or_create_an_account_and_come_back_to_register(client):
    session = SessionFactory(title="Advance Care Planning", days_from_now=5)
    register = f"/series/{session.series.slug}/register/"

    page = _text(client.get(f"/sessions/{session.pk}/"))

    assert f'href="/accounts/login/?next={register.replace("/", "%2F")}"' in page
    assert f'New here? <a href="/accounts/signup/?next={register.replace("/", "%2F")}">Create an account</a>' in page
