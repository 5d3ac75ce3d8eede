import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_browser_language_is_honoured(client):
    response = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert '<html lang="fr">' in response.content.decode()


def test_switch_sets_language_for_visitors(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/privacy/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Politique de confidentialité" in body


def test_switch_is_remembered_on_the_account(client, clinician, django_capture_on_commit_callbacks):
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: her kept row is dropped
        client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    clinician.refresh_from_db()
    assert clinician.preferred_language == "fr"
    # A new browser (no cookie, English Accept-Language) still gets French for this user.
    other = client.__class__()
    other.force_login(clinician)
    response = other.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in response.content.decode()


def test_unknown_language_is_ignored(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/privacy/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_a_signed_in_switch_says_emails_follow_in_the_language_chosen(
    client, clinician, django_capture_on_commit_callbacks
):
    client.force_login(clinician)

    def switch(language):
        with django_capture_on_commit_callbacks(execute=True):  # her kept row dropped, as after a real commit
            return client.post(reverse("set_language"), {"language": language, "next": "/privacy/"}, follow=True)

    french, english, again = switch("fr"), switch("en"), switch("en")

    assert "Vos courriels et vos attestations seront aussi en français." in french.content.decode()
    assert "Your emails and certificates will be in English too." in english.content.decode()
    assert "Your emails" not in again.content.decode()  # nothing changed, nothing to say


def test_a_visitors_switch_says_nothing_of_emails(client):
    page = client.post(reverse("set_language"), {"language": "fr", "next": "/privacy/"}, follow=True)

    assert "courriels et vos attestations" not in page.content.decode()
