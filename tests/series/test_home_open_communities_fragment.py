"""The home page's communities of practice are the same for every learner: rendered once, not per signed-in request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from series.models import Series
from tests.factories import SeriesFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_signed_in_learners_share_one_rendering_of_the_open_communities(client, clinician, settings):
    cop = SeriesFactory(title="Open Community", kind=Series.Kind.COMMUNITY_OF_PRACTICE)
    SessionFactory(series=cop, days_from_now=3)
    client.force_login(clinician)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    uncached_page, uncached = _home(client)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    _home(client)  # renders the list and keeps it

    page, queries = _home(client)

    assert "Open Community" in page and "Open Community" in uncached_page
    assert queries == uncached - 1  # no query for the communities of practice and their facts


def test_a_programme_change_shows_on_the_next_request(client, clinician, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    client.force_login(clinician)
    before, _ = _home(client)

    cop = SeriesFactory(title="Newly Opened Community", kind=Series.Kind.COMMUNITY_OF_PRACTICE)
    SessionFactory(series=cop, days_from_now=3)
    after, _ = _home(client)

    assert "Newly Opened Community" not in before
    assert "Newly Opened Community" in after


def test_each_language_gets_its_own_rendering(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    cop = SeriesFactory(title="Open Community", kind=Series.Kind.COMMUNITY_OF_PRACTICE)
    SessionFactory(series=cop, days_from_now=3)
    english = client.get("/", headers={"accept-language": "en"}).content.decode()

    french = client.get("/", headers={"accept-language": "fr"}).content.decode()

    assert "Communities of practice open for registration" in english
    assert "Communautés de pratique ouvertes aux inscriptions" in french
