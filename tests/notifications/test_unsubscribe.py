"""Turning reminders off from the email: one-click POST (RFC 8058), a confirmation page for people, bad links."""

import pytest
from django.core import signing

from accounts.unsubscribe import reminders_unsubscribe_token
from enrollment import emails

pytestmark = pytest.mark.django_db


def _path(user) -> str:
    return emails.reminders_unsubscribe_url(user).removeprefix("http://127.0.0.1:8000")


def test_the_mail_clients_one_click_post_turns_reminders_off_without_a_session_or_csrf_token(clinician):
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        _path(clinician), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    clinician.refresh_from_db()
    assert clinician.reminders_enabled is False


def test_the_link_opened_in_a_browser_asks_first_and_changes_nothing(client, clinician):
    response = client.get(_path(clinician))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Session reminders</h1>" in page
    assert "alice@example.org" not in page  # whoever holds the link learns nothing about the account
    assert "Stop the reminders we email the day before and the hour before each session" in page
    assert '<button type="submit" class="button button--primary">Stop session reminders</button>' in page
    assert "Emails about your registrations and about changes to your sessions keep coming" in page
    clinician.refresh_from_db()
    assert clinician.reminders_enabled is True


def test_pressing_the_button_turns_them_off_and_says_so(client, clinician):
    response = client.post(_path(clinician))

    assert "Session reminders are now off for this account." in response.content.decode()
    assert "alice@example.org" not in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.reminders_enabled is False
    # Doing it again is harmless, and the page says they are already off.
    assert client.post(_path(clinician)).status_code == 200
    assert "already off" in client.get(_path(clinician)).content.decode()


def test_the_page_is_in_french_for_a_francophone_browser(client, clinician):
    response = client.get(_path(clinician), HTTP_ACCEPT_LANGUAGE="fr")

    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Arrêter les rappels de séance" in page


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1:forged",
        signing.Signer(salt="another.purpose").sign("1"),
        signing.Signer(salt="echo.reminders.unsubscribe").sign("not-a-number"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_a_clear_400_and_changes_nothing(client, clinician, token, method):
    response = getattr(client, method)(f"/accounts/reminders/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.reminders_enabled is True


def test_a_token_for_a_deleted_account_is_a_404_page(client, clinician):
    path = _path(clinician)
    clinician.delete()

    response = client.post(path)

    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


def test_a_token_only_ever_names_its_own_account(client, clinician, outsider):
    client.post(_path(clinician))

    outsider.refresh_from_db()
    assert outsider.reminders_enabled is True
    assert reminders_unsubscribe_token(clinician) != reminders_unsubscribe_token(outsider)


def test_other_methods_are_refused(client, clinician):
    assert client.put(_path(clinician)).status_code == 405
