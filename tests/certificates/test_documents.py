"""The PDF a learner downloads: what it says in English and French, CCCEP's wording, and its QR code."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from certificates import services
from certificates.models import Certificate

from .conftest import attend, pdf_text, qr_links

pytestmark = pytest.mark.django_db


def _download(client, certificate, **params):
    response = client.get(certificate.get_download_url(), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_english_certificate_says_who_what_when_and_how_many_credits(client, ltc, clinician, tmp_path):
    clinician.licence_number = "CFPC 123456"
    clinician.save()
    attend(ltc, clinician, minutes=(60, 55, 20))  # the last one is short of 75 %
    services.issue_for_series(series=ltc)
    certificate = Certificate.objects.get()
    client.force_login(clinician)

    text = " ".join(pdf_text(_download(client, certificate), tmp_path).split())

    assert "Certificate of attendance" in text
    assert "Alice Tremblay" in text and "Licence or CFPC number: CFPC 123456" in text
    assert "Palliative Care in Long-Term Care" in text and "Northern Lakes Palliative Hub (demo)" in text
    assert "Introductory Session" in text and "Advance Care Planning" in text
    assert "Last Days and Hours" not in text
    assert "Hours attended: 2.00" in text
    assert "Total: 2 credits, Mainpro+ (Certified, Group Learning, Live, online)" in text
    assert "has been certified by the College of Family Physicians of Canada for up to 12 Mainpro+ credits" in text
    assert f"Document number: {certificate.number}" in text
    assert f"{settings.SITE_URL}/certificates/{certificate.number}/" in text


def test_my_learning_gives_the_hours_and_credits_the_certificate_gives(client, ltc, clinician, tmp_path):
    attend(ltc, clinician, minutes=(60, 55, 20))  # 135 minutes recorded; the last session is short of 75 %
    services.issue_for_series(series=ltc)
    client.force_login(clinician)

    page = client.get(reverse("enrollment:my_learning")).content.decode()
    text = " ".join(pdf_text(_download(client, Certificate.objects.get()), tmp_path).split())

    assert "Hours attended: 2.00" in text and "Total: 2 credits" in text
    row = re.search(r'<tr><th scope="row">Palliative Care in Long-Term Care</th><td>([^<]*)</td><td>([^<]*)<', page)
    assert row and row.groups() == ("2.00", "2 credits Mainpro+")


def test_the_french_certificate_is_in_french(client, ltc, clinician, tmp_path):
    clinician.preferred_language = "fr"
    clinician.save()
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)
    certificate = Certificate.objects.get()
    client.force_login(clinician)

    text = " ".join(pdf_text(_download(client, certificate), tmp_path).split())

    assert "Certificat de participation" in text
    assert "Heures de présence : 3,00" in text  # French decimals, as the table above it writes them
    assert "Total : 3 crédits, Mainpro+ (Certifié, Apprentissage en groupe, En direct, en ligne)" in text
    assert "a été certifié par le Collège des médecins de famille du Canada" in text
    assert "Numéro du document" in text
    assert "Certificate of attendance" not in text and "Hours attended" not in text


def test_a_cccep_statement_never_says_certificate_and_carries_the_cccep_particulars(
    client, cccep_series, clinician, tmp_path
):
    clinician.licence_number = "OCP 98765"
    clinician.save()
    attend(cccep_series, clinician, minutes=(60, 60))
    services.issue_for_series(series=cccep_series)
    statement = Certificate.objects.get()
    client.force_login(clinician)

    english = " ".join(pdf_text(_download(client, statement, language="en"), tmp_path).split())
    french = " ".join(pdf_text(_download(client, statement, language="fr"), tmp_path / "..").split())

    wording = english.replace(f"/certificates/{statement.number}/", "")  # the fixed verification address is no wording
    assert "Statement of Attendance" in english
    assert "certificate" not in wording.lower()
    assert "OCP 98765" in english
    assert "CCCEP number 1234-2025-3456-I-P" in english
    assert "Accreditation dates" in english and "2025" in english and "2026" in english
    assert "cpd@pallium.ca" in english
    assert "Attestation de participation" in french
    assert "certificat" not in french.replace(f"/certificates/{statement.number}/", "").lower()


def test_a_replacement_says_so_with_its_date(client, ltc, clinician, staff, tmp_path):
    from enrollment import services as enrollment_services

    registrations = attend(ltc, clinician, minutes=(60, 60, 10))
    services.issue_for_series(series=ltc)
    enrollment_services.adjust_attendance(
        registration_ids=[registrations[-1].pk], mark="present", reason="Phone", by=staff
    )
    services.issue_for_series(series=ltc)
    client.force_login(clinician)

    text = " ".join(pdf_text(_download(client, Certificate.objects.get()), tmp_path).split())

    assert "Replacement issued on" in text.replace("REPLACEMENT", "Replacement") or "REPLACEMENT ISSUED ON" in text
    assert "first issued on" in text.lower()


def test_the_qr_code_opens_the_verification_page(client, ltc, clinician, tmp_path):
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)
    certificate = Certificate.objects.get()
    client.force_login(clinician)

    links = qr_links(_download(client, certificate), tmp_path)

    assert links == [f"{settings.SITE_URL}/certificates/{certificate.number}/"]
    assert client.get(links[0].removeprefix(settings.SITE_URL)).status_code == 200


def test_only_the_learner_national_staff_and_the_hubs_managers_may_download(
    client, ltc, clinician, outsider, staff, hub_manager, other_hub_manager
):
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)
    certificate = Certificate.objects.get()
    url = certificate.get_download_url()

    anonymous = client.get(url)
    client.force_login(outsider)
    stranger = client.get(url)
    client.force_login(other_hub_manager)
    other_hub = client.get(url)
    client.force_login(hub_manager)
    own_hub = client.get(url)
    client.force_login(staff)
    national = client.get(url)

    assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]
    assert stranger.status_code == 404 and other_hub.status_code == 404
    assert own_hub.status_code == 200 and national.status_code == 200
