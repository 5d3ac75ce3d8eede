"""Branded error pages in both languages, the 500 page without the database, and the site icon."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [
        ("en", "We cannot find this page", "All programs"),
        ("fr", "Nous ne trouvons pas cette page", "Tous les programmes"),
    ],
)
def test_a_missing_page_is_branded_in_the_visitors_language(client, language, heading, link):
    response = client.get("/no-such-page/", headers={"accept-language": language})
    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}"' in page
    assert heading in page and link in page
    assert 'href="/series/"' in page


@pytest.mark.parametrize(
    ("language", "first", "second"),
    [
        ("en", "Something went wrong", "Un problème est survenu"),
        ("fr", "Un problème est survenu", "Something went wrong"),
    ],
)
def test_the_server_error_page_says_it_in_both_languages_visitors_first(language, first, second):
    with translation.override(language):
        page = render_to_string("500.html")
    assert f'<html lang="{language}"' in page
    assert page.index(first) < page.index(second)
    assert "<h1>" + first in page


@pytest.mark.urls("tests.error_pages_urls")
def test_the_server_error_page_renders_without_the_database():
    """Not marked django_db: pytest-django refuses any query, as a database that is down would."""
    client = Client(raise_request_exception=False)
    response = client.get("/database-down/", headers={"accept-language": "fr"})
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr"' in page
    assert "Un problème est survenu" in page and "Something went wrong" in page


@pytest.mark.django_db
def test_the_site_icon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "why"),
    [
        ("en", "This form expired before it was sent", "Nothing was saved."),
        ("fr", "Ce formulaire a expiré avant d’être envoyé", "Rien n’a été enregistré."),
    ],
)
def test_a_form_sent_with_a_stale_token_gets_the_sites_page_in_the_readers_language(language, heading, why):
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": language})

    response = browser.post("/stay-connected/", {"email": "someone@example.org"})

    page = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}"' in page
    assert heading in page and why in page
    assert "CSRF" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "This page is not available to your account"), ("fr", "Cette page n’est pas accessible à votre compte")],
)
def test_a_page_for_staff_tells_a_clinician_it_is_not_for_their_account(client, clinician, language, heading):
    clinician.preferred_language = language
    clinician.save()
    client.force_login(clinician)

    response = client.get("/staff/reach/", headers={"accept-language": language})

    page = response.content.decode()
    assert response.status_code == 403
    assert heading in page and clinician.email in page
    assert "403 Forbidden" not in page
