"""A newcomer signing up in French reads Canadian French all the way: the page after sign-up, the email, its link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.test_signup_and_login import SIGNUP

pytestmark = pytest.mark.django_db

# France's words that allauth's own French catalogue uses; in Canada an email is a courriel.
FRANCE_FRENCH = re.compile(r"e-mail|Bonjour, c'est", re.IGNORECASE)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_verification_email_and_pages_are_in_canadian_french(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("account_signup"), {**SIGNUP, "preferred_language": "fr"}, HTTP_ACCEPT_LANGUAGE="fr", follow=True
        )

    page = _text(sent)
    assert "Consultez votre boîte de réception" in page
    assert "Nous vous avons envoyé un courriel contenant un lien." in page
    assert re.search(r"Nous avons envoyé un courriel de confirmation à nadia\.roy@example\.org\.", page, re.IGNORECASE)
    (message,) = mail.outbox
    assert message.subject == "[ECHO] Confirmez votre adresse courriel"
    assert "Quelqu’un, sans doute vous, a créé un compte sur le Portail ECHO avec cette adresse." in message.body
    assert "Pour la confirmer et terminer la création de votre compte, ouvrez ce lien :" in message.body
    assert not FRANCE_FRENCH.search(message.subject + message.body + page)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)
    confirm = _text(client.get("/" + link.split("://", 1)[1].split("/", 1)[1], HTTP_ACCEPT_LANGUAGE="fr"))
    assert re.search(r"Confirmez que <a href=\"mailto:[^\"]+\">[^<]+</a> est bien votre adresse courriel\.", confirm)
    assert not FRANCE_FRENCH.search(confirm)


def test_the_verification_email_in_english_says_what_to_do(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="en")

    (message,) = mail.outbox
    assert message.subject == "[ECHO] Confirm your email address"
    assert message.body.startswith("Hello,\n\nSomeone, probably you, created an account on ECHO Portal")
    assert "/accounts/confirm-email/" in message.body
    assert "127.0.0.1" not in message.body.replace(re.search(r"https?://\S+", message.body).group(0), "")
