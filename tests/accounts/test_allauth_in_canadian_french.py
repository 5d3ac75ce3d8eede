"""allauth's own pages, emails and messages read in Canadian French, in the portal's voice: a courriel, never
France's "e-mail", no "merci de…", no space before a question mark (accounts/allauth_locale)."""

import re
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

FRANCE_FRENCH = re.compile(r"e-mail|\bemail\b|merci de|vous pouvez donc| \?|Bonjour, c'est", re.IGNORECASE)


def _visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)  # the words people read, not type="email" or name="email"
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def french_visitor() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="fr")


def test_sign_in_and_password_reset_pages_and_email_are_in_canadian_french(
    french_visitor, clinician, django_capture_on_commit_callbacks
):
    clinician.preferred_language = "fr"
    clinician.save()

    sign_in = _visible_text(french_visitor.get(reverse("account_login")))
    reset = _visible_text(french_visitor.get(reverse("account_reset_password")))
    with django_capture_on_commit_callbacks(execute=True):
        sent = french_visitor.post(reverse("account_reset_password"), {"email": clinician.email}, follow=True)

    assert "Pas encore de compte? Créez-en un" in sign_in and "Mot de passe oublié?" in sign_in
    assert "Indiquez votre adresse courriel ci-dessous" in reset
    assert "Nous vous avons envoyé un courriel." in _visible_text(sent)
    (message,) = mail.outbox
    assert message.subject == "[ECHO] Courriel de réinitialisation du mot de passe"
    assert "Vous recevez ce courriel parce que quelqu’un, sans doute vous, a demandé" in message.body
    for text in (sign_in, reset, _visible_text(sent), message.subject, message.body):
        assert not FRANCE_FRENCH.search(text), FRANCE_FRENCH.search(text)
    # Its link opens the page where a new password is chosen, in French too.
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    chosen = french_visitor.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert chosen.status_code == 200
    assert not FRANCE_FRENCH.search(_visible_text(chosen))


def test_the_email_addresses_page_is_in_canadian_french(clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(clinician)

    page = _visible_text(client.get(reverse("account_email")))

    assert "Adresse courriel actuelle" in page and "Changer d’adresse courriel" in page
    assert not FRANCE_FRENCH.search(page), FRANCE_FRENCH.search(page)


def _msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    ids, current = set(), None
    for line in text.splitlines() + [""]:
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            if current is not None:
                ids.add("".join(part[1:-1] for part in current))
            current = None
    return ids - {""}


def test_every_override_still_names_one_of_allauths_messages():
    """An allauth upgrade that rewords a message would silently bring France's French back: this says which."""
    ours = _msgids(Path(settings.BASE_DIR) / "accounts" / "allauth_locale" / "fr" / "LC_MESSAGES" / "django.po")
    allauths = _msgids(Path(allauth.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po")

    assert len(ours) > 60
    assert ours - allauths == set()


def test_the_email_change_page_labels_have_no_colon_glued_to_the_french(clinician, django_capture_on_commit_callbacks):
    clinician.preferred_language = "fr"
    clinician.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "alice.nouvelle@example.org"})

    html = client.get(reverse("account_email")).content.decode()

    labels = [re.sub(r"\s+", " ", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]
    assert labels[-3:] == [
        "Adresse courriel actuelle",
        "Nouvelle adresse, pas encore confirmée",
        "Nouvelle adresse courriel",
    ]
    assert "Renvoyer le courriel de confirmation" in _visible_text_of(html)
    # The pending address's own form is hidden without an inline style (the Content-Security-Policy refuses those).
    assert re.search(r'<form hidden id="pending-email"', html) and 'style="' not in html


def test_a_signed_in_visitor_on_the_password_reset_page_reads_a_french_note(clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(clinician)

    html = client.get(reverse("account_reset_password")).content.decode()

    assert "<strong>Remarque\u00a0:</strong> vous êtes déjà connecté·e en tant que" in html


def test_no_colon_of_allauths_french_can_start_a_line():
    """French puts a space before a colon; a non-breaking one, so a phone never wraps the colon alone."""
    po = Path(settings.BASE_DIR) / "accounts" / "allauth_locale" / "fr" / "LC_MESSAGES" / "django.po"
    translations = re.findall(r'^msgstr "(.+)"$', po.read_text(encoding="utf-8"), re.M)
    glued_or_breakable = [text for text in translations if re.search(r"(?<![\u00a0]):(?=[\s\"<]|$|\\n)", text)]
    assert glued_or_breakable == []


def _visible_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_profile_names_the_last_name_as_signup_does_and_signing_in_greets_in_plain_french(
    client, clinician, password
):
    clinician.preferred_language = "fr"
    clinician.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # a French reader signing in

    signed_in = client.post(
        reverse("account_login"), {"login": clinician.email, "password": password}, follow=True
    ).content.decode()
    profile = client.get(reverse("accounts:profile")).content.decode()

    assert "Vous êtes connecté·e\u00a0: " in signed_in and "Connexion avec" not in signed_in
    assert '<label for="id_last_name">Nom de famille' in profile and '<label for="id_first_name">Prénom' in profile


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador"]),
        ("fr", ["Alberta", "Colombie-Britannique", "Île-du-Prince-Édouard", "Manitoba", "Nouveau-Brunswick"]),
    ],
)
def test_the_provinces_are_listed_in_the_alphabetical_order_of_the_readers_language(client, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    signup = client.get(reverse("account_signup")).content.decode()

    select = re.search(r'<select name="province".*?</select>', signup, re.S).group(0)
    names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', select)
    assert names[:5] == expected and len(names) == 13


def test_the_signup_page_is_titled_as_its_heading_says(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("account_signup")).content.decode()

    assert "<title>Création de compte" in page and "<title>Inscription" not in page
    assert re.search(r"<h1[^>]*>\s*Création de compte", page)
