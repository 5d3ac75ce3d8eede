"""In a browser, on a phone, in French: a clinician downloads their data, then deletes their account."""

import json
import re
import zipfile

import pytest
from django.core import mail

from accounts.models import User
from tests import factories
from tests.e2e.axe import violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.browser_locale("fr-CA")
def test_a_clinician_takes_their_data_then_deletes_the_account(page, live_server, sign_in, hub, settings, password):
    settings.ACCOUNT_DELETION_GRACE_DAYS = 0
    clinician = factories.UserFactory(
        email="chantal@example.org", first_name="Chantal", last_name="Pelletier", preferred_language="fr"
    )
    series = factories.SeriesFactory(hub=hub, title="Soins palliatifs en SLD", language="fr")
    factories.RegistrationFactory(user=clinician, session=factories.SessionFactory(series=series, title="Délirium"))
    sign_in(clinician)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Télécharger mes données").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vos données"
    assert violations(page) == []
    page.get_by_role("button", name="Télécharger mes données").click()

    (message,) = [m for m in mail.outbox if m.to == ["chantal@example.org"]]
    assert message.subject == "Vos données sont prêtes à télécharger"
    link = re.search(r"https?://\S+?(/me/data/[^/\s]+/download/)", message.body).group(1)
    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url; }", live_server.url + link)
    archive = zipfile.ZipFile(download_info.value.path())
    data = json.loads(archive.read("data.json"))["data"]
    assert data["Inscriptions et présence"]["registrations"][0]["session__title"] == "Délirium"

    page.goto("/me/data/")
    page.get_by_role("link", name="Supprimer mon compte…").click()
    assert violations(page) == []
    page.get_by_label("Je comprends que mon compte").check()
    page.get_by_label("Votre mot de passe").fill(password)
    page.get_by_role("button", name="Supprimer mon compte").click()

    assert "Votre compte a été supprimé." in page.content()
    page.goto("/me/")
    assert "/accounts/login/" in page.url  # signed out
    assert User.objects.get(pk=clinician.pk).email.endswith("@deleted.invalid")
    assert page.console_problems == []
