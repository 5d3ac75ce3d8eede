"""allauth's own emails (verification, password reset) go through the outbox like every other email."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import OutboundEmail
from tests import factories
from tests.notifications.outbox_support import broker_refusing

pytestmark = pytest.mark.django_db


def sweep(**options):
    """The sweeper as the periodic task runs it, publishing through whatever `tasks.hand_out` is now."""
    from notifications import sweeper, tasks

    return sweeper.sweep(publish=tasks.hand_out, **options)


def test_password_reset_is_an_outbox_row_in_the_account_holders_language(
    client, clinician, django_capture_on_commit_callbacks
):
    clinician.preferred_language = "fr"
    clinician.save(update_fields=["preferred_language"])

    # The page is in English; the email follows Alice's preference.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ALICE@example.org"}, HTTP_ACCEPT_LANGUAGE="en")

    row = OutboundEmail.objects.get()
    assert (row.kind, row.language, row.recipient, row.status) == ("account", "fr", "alice@example.org", "sent")
    assert row.idempotency_key.startswith("account:password_reset_key:")
    [message] = mail.outbox
    assert message.subject.startswith("[ECHO] ")
    assert "mot de passe" in message.subject.lower()
    assert "/accounts/password/reset/key/" in message.body


def test_two_resets_are_two_emails(client, clinician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
        client.post(reverse("account_reset_password"), {"email": "alice@example.org"})

    assert OutboundEmail.objects.filter(kind="account").count() == 2
    assert len(mail.outbox) == 2


def test_signup_while_the_broker_is_down_succeeds_and_the_sweeper_sends_the_verification_later(
    client, settings, django_capture_on_commit_callbacks
):
    # The sweeper waits a minute for the after-commit task in production; here it need not.
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    with broker_refusing(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), factories.signup_form())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []

    # The broker is back and beat runs the sweeper.
    assert sweep() == [row.pk]

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    [message] = mail.outbox
    assert message.to == ["nadia.roy@example.org"]
    assert "/accounts/confirm-email/" in message.body


@pytest.mark.parametrize(
    ("language", "signature"),
    [("en", "Thank you for using ECHO Portal."), ("fr", "Merci d’utiliser le Portail ECHO.")],
    ids=["en", "fr"],
)
def test_account_emails_name_the_site_in_the_readers_language(
    client, clinician, django_capture_on_commit_callbacks, language, signature
):
    clinician.preferred_language = language
    clinician.save(update_fields=["preferred_language"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": clinician.email})

    [message] = mail.outbox
    last_line = message.body.strip().splitlines()[-1]
    assert last_line == signature
    assert "testserver" not in last_line and "127.0.0.1" not in last_line
