"""The footer and the home page's programme links are rendered once per language and shown on every page."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def _page(client, url="/"):
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_every_page_keeps_its_footer_links(client, clinician):
    client.force_login(clinician)

    for url in ("/", "/series/", "/me/", "/no-such-page/"):
        status, page = _page(client, url)
        assert status in (200, 404)
        assert 'href="/privacy/"' in page and "Privacy policy" in page and "Stay connected" in page


def test_each_language_has_its_own_footer_and_programme_links():
    english = Client()
    english.force_login(UserFactory(email="ann@example.org"))
    french = Client()
    french.force_login(UserFactory(email="denise@example.org", preferred_language="fr"))

    _status, english_home = _page(english)
    _status, french_home = _page(french)

    assert "Privacy policy" in english_home and "About the programme" in english_home
    assert "Politique de confidentialité" in french_home and "À propos du programme" in french_home
    assert "Privacy policy" not in french_home
