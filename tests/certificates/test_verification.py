"""/certificates/<number>/: anyone can check a document; it says valid or revoked, and only what is on it."""

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, new_number

from .conftest import attend

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(ltc, clinician):
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)
    return Certificate.objects.get()


def test_a_valid_document_shows_whom_which_programme_credits_and_date_and_nothing_else(client, certificate):
    page = client.get(f"/certificates/{certificate.number}/").content.decode()

    assert "Valid." in page
    assert "Alice Tremblay" in page and "Palliative Care in Long-Term Care" in page
    assert "3 credits" in page and "Certificate of attendance" in page
    assert "alice@example.org" not in page


def test_a_revoked_document_says_so(client, certificate):
    services.revoke(certificate_ids=[certificate.pk], reason="Attendance was recorded for the wrong person")

    page = client.get(f"/certificates/{certificate.number}/").content.decode()

    assert "Revoked." in page and "it no longer attests attendance" in page
    assert "wrong person" not in page  # the reason is for staff


def test_an_unknown_number_is_a_clear_404(client, certificate):
    response = client.get(f"/certificates/{new_number()}/")

    assert response.status_code == 404
    assert "No document has this number." in response.content.decode()


def test_a_number_typed_in_lower_case_without_dashes_finds_the_document(client, certificate):
    typed = certificate.number.replace("-", "").lower()

    response = client.get(reverse("certificates:lookup"), {"number": typed}, follow=True)

    assert response.redirect_chain[-1][0] == f"/certificates/{certificate.number}/"
    assert "Valid." in response.content.decode()


def test_the_page_is_in_french_for_a_french_visitor(client, certificate):
    page = client.get(f"/certificates/{certificate.number}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Valide." in page and "Certificat de participation" in page
    # The body's term and the hours as French writes them, as the French PDF prints them.
    assert "<dd>3,00</dd>" in page and "3 crédits · Certifié</dd>" in page
    assert "Certified" not in page and "3.00" not in page


def test_guessing_numbers_is_rate_limited_and_the_real_one_waits_too(client, certificate):
    for _ in range(20):
        assert client.get(f"/certificates/{new_number()}/").status_code == 404

    blocked = client.get(f"/certificates/{certificate.number}/")

    assert blocked.status_code == 429
    assert "Too many numbers that match no document" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0


def test_checking_real_documents_is_never_held_back(client, certificate):
    for _ in range(30):
        assert client.get(f"/certificates/{certificate.number}/").status_code == 200
