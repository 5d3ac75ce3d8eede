"""The home page stays a few screens long at national scale: key box and the learner's next sessions first,
then the coming sessions by day a page at a time, filtered by language and profession."""

import pytest
from django.urls import reverse

from series import views
from series.models import Series
from tests.factories import RegistrationFactory, SeriesFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_key_box_comes_before_the_sessions(client):
    SessionFactory(title="Pain at the end of life", days_from_now=3)

    page = _text(client.get("/"))

    assert page.index("Have an enrollment key?") < page.index('class="day-heading"')
    assert f'action="{reverse("enrollment:enroll_by_key")}"' in page
    assert "Your next sessions" not in page


def test_a_signed_in_learner_sees_their_next_sessions_first(client, clinician):
    mine = SessionFactory(title="Goals of care conversations", days_from_now=9)
    RegistrationFactory(user=clinician, session=mine)
    cancelled = SessionFactory(title="Cancelled for me", days_from_now=4)
    RegistrationFactory(user=clinician, session=cancelled, status="cancelled")
    SessionFactory(title="Someone else's", days_from_now=2)
    client.force_login(clinician)

    page = _text(client.get("/"))
    mine_box = page.split('id="your-next"')[1].split("</section>")[0]

    assert page.index('id="your-next"') < page.index('class="day-heading"')
    assert "Goals of care conversations" in mine_box
    assert "Cancelled for me" not in mine_box and "Someone else" not in mine_box


def test_sixty_sessions_come_a_page_at_a_time_grouped_by_day(client):
    series = SeriesFactory(title="Busy Community")
    for day in range(60):
        SessionFactory(series=series, title=f"Session on day {day + 1}", days_from_now=day + 1)

    first = _text(client.get("/"))
    second = _text(client.get("/?page=2"))

    assert first.count('class="card session-card"') == views.HOME_PAGE_SIZE
    assert first.count('<h2 class="day-heading"') == views.HOME_PAGE_SIZE
    assert "Session on day 1<" in first and f"Session on day {views.HOME_PAGE_SIZE + 1}<" not in first
    assert 'rel="next" href="?page=2"' in first and "More upcoming sessions" in first
    assert f"Session on day {views.HOME_PAGE_SIZE + 1}<" in second and "Session on day 1<" not in second
    assert "Page 2 of 6" in second
    # Out of range or nonsense: the nearest real page, never an error.
    assert "Page 6 of 6" in _text(client.get("/?page=99"))
    assert "Page 1 of 6" in _text(client.get("/?page=abc"))


def test_filters_by_language_and_profession_keep_each_other_across_pages(client):
    english = SeriesFactory(title="LTC for everyone")
    french = SeriesFactory(title="Communauté francophone", language="fr", audience_professions=["physician"])
    psw = SeriesFactory(title="PSW series", audience_professions=["psw"])
    for series in (english, french, psw):
        SessionFactory(series=series, title=f"{series.title} session", days_from_now=5)
    for day in range(12):
        SessionFactory(series=french, title=f"Séance {day}", days_from_now=10 + day)

    def titles(query: str) -> set[str]:
        page = _text(client.get(f"/?{query}"))
        return {s.title for s in (english, french, psw) if f"{s.title} session<" in page}

    assert titles("") == {"LTC for everyone", "Communauté francophone", "PSW series"}
    assert titles("language=fr") == {"Communauté francophone"}
    # A series for everyone is for physicians too; one for PSWs only is not.
    assert titles("profession=physician") == {"LTC for everyone", "Communauté francophone"}
    assert titles("profession=psw&language=en") == {"LTC for everyone", "PSW series"}
    page = _text(client.get("/?language=fr"))
    assert 'href="?language=fr&amp;page=2"' in page
    assert "Clear filters" in page


def test_a_bad_filter_value_is_ignored_not_an_error(client):
    SessionFactory(series=SeriesFactory(title="LTC for everyone"), title="Still listed", days_from_now=5)

    page = _text(client.get("/?language=klingon&profession=<script>"))

    assert "Still listed" in page
    assert "<script>" not in page.split("<main")[1]


def test_nothing_matches_says_so(client):
    SessionFactory(series=SeriesFactory(title="English only", language="en"), days_from_now=5)

    page = _text(client.get("/?language=fr"))

    assert "No upcoming session matches these filters." in page


def test_open_communities_come_on_the_first_page_only(client):
    cop = SeriesFactory(title="Open Community", kind=Series.Kind.COMMUNITY_OF_PRACTICE)
    for day in range(15):
        SessionFactory(series=cop, days_from_now=day + 1)

    assert 'id="open-communities"' in _text(client.get("/"))
    assert 'id="open-communities"' not in _text(client.get("/?page=2"))
