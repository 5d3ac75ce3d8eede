"""A body's credit type and category, written by staff in both languages, as each language's document says them."""

import pytest

from certificates import services
from certificates.models import Certificate

from .conftest import attend, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_terms(ltc):
    ltc.accreditations.update(credit_type_fr="Certifié Mainpro+", category_fr="Apprentissage de groupe en ligne")
    return ltc


def test_the_verification_page_says_the_credit_type_in_the_readers_language(client, french_terms, clinician):
    attend(french_terms, clinician)
    services.issue_for_series(series=french_terms)
    url = Certificate.objects.get().get_absolute_url()

    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Certifié Mainpro+" in french and "Certified" not in french
    assert "3 credits · Certified" in english and "Certifié" not in english


def test_the_french_document_prints_the_french_terms_staff_wrote(client, french_terms, clinician, tmp_path):
    clinician.preferred_language = "fr"
    clinician.save()
    attend(french_terms, clinician)
    services.issue_for_series(series=french_terms)
    certificate = Certificate.objects.get()
    client.force_login(clinician)

    french = " ".join(pdf_text(client.get(certificate.get_download_url()).content, tmp_path).split())
    english = " ".join(
        pdf_text(client.get(certificate.get_download_url(), {"language": "en"}).content, tmp_path).split()
    )

    assert "Mainpro+ (Certifié Mainpro+, Apprentissage de groupe en ligne, En direct, en ligne)" in french
    assert "Mainpro+ (Certified, Group Learning, Live, online)" in english


def test_a_document_issued_before_french_terms_existed_is_not_sent_again(ltc, clinician):
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)
    certificate = Certificate.objects.get()
    revision = certificate.revision
    # As documents were frozen before: the English term under "credit_type", no French key.
    assert certificate.content["accreditations"][0]["credit_type"] == "Certified"
    assert "credit_type_fr" not in certificate.content["accreditations"][0]

    again = services.issue_for_series(series=ltc)

    assert (again.unchanged, again.reissued) == (1, [])
    certificate.refresh_from_db()
    assert certificate.revision == revision
