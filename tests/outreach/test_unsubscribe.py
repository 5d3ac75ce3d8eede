"""Leaving the mailing list: one click from the mail client (RFC 8058), a page for people, links that keep working."""

import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from outreach import subscriptions
from outreach.consent import CONSENT_VERSION
from outreach.models import Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    subscriber = subscriptions.request_subscription(
        details=subscriptions.Details(email="nadia@clinic.example.org", name="Nadia Roy", language="fr"),
        consent=subscriptions.Consent(text="Oui", version=CONSENT_VERSION, language="fr", source="/stay-connected/"),
    )
    subscriptions.confirm(token=subscriptions.confirmation_token(subscriber))
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.SUBSCRIBED
    return subscriber


def _path(subscriber) -> str:
    url = subscriptions.unsubscribe_url(subscriber)
    assert "nadia" not in url and "@" not in url  # the address never travels in the link
    return url.removeprefix("http://127.0.0.1:8000")


def test_the_mail_clients_one_click_post_needs_no_session_and_no_csrf_token(subscriber):
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        _path(subscriber), data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.withdrawn_how) == ("withdrawn", "one-click")
    assert subscriber.withdrawn_at is not None
    assert list(subscriber.changes.values_list("event", "detail"))[-1] == ("withdrawn", "one-click")
    assert not Subscriber.objects.on_the_list().exists()


def test_the_link_opened_in_a_browser_asks_first_and_changes_nothing(client, subscriber):
    page = client.get(_path(subscriber), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Cesser d’envoyer nos annonces et bulletins à l’adresse à laquelle ce lien a été envoyé?" in page
    assert "nadia" not in page  # whoever holds the link learns nothing about the person
    assert '<button type="submit" class="button button--primary">Quitter la liste d’envoi</button>' in page
    subscriber.refresh_from_db()
    assert subscriber.status == "subscribed"


def test_pressing_the_button_takes_the_address_off_at_once(client, subscriber):
    response = client.post(_path(subscriber))

    assert "This address has left the mailing list." in response.content.decode()
    assert "nadia" not in response.content.decode()
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.withdrawn_how) == ("withdrawn", "email link")
    # Again: harmless, and said.
    assert "is not on the mailing list" in client.get(_path(subscriber)).content.decode()
    assert client.post(_path(subscriber)).status_code == 200
    assert subscriber.changes.filter(event="withdrawn").count() == 1


def test_a_link_from_a_mailing_sent_61_days_ago_still_works_signed_out(client, subscriber):
    path = _path(subscriber)
    later = timezone.now() + timezone.timedelta(days=61)

    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("django.core.signing.time.time", return_value=time.time() + 61 * 86400),
    ):
        response = client.post(path)

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "withdrawn"
    assert subscriber.withdrawn_at == later


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "1:forged",
        signing.Signer(salt="echo.reminders.unsubscribe").sign("1"),
        signing.Signer(salt=subscriptions.UNSUBSCRIBE_SALT).sign("not-a-number"),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_link_is_a_clear_400_and_changes_nothing(client, subscriber, token, method):
    response = getattr(client, method)(f"/stay-connected/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == "subscribed"


def test_a_link_of_a_purged_request_says_there_is_nothing_to_leave(client):
    token = signing.Signer(salt=subscriptions.UNSUBSCRIBE_SALT).sign("987654")

    response = client.post(f"/stay-connected/unsubscribe/{token}/")

    assert response.status_code == 200
    assert "This address is not on the mailing list" in response.content.decode()
