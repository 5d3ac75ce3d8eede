"""A deleted account's documents stay checkable by an accrediting body, without the person's name."""

import pytest
from django.test import Client

from accounts import privacy
from certificates import services
from certificates.models import Certificate
from tests.certificates.conftest import attend

pytestmark = pytest.mark.django_db


def test_a_certificate_of_a_deleted_account_verifies_as_issued_to_a_deleted_account(ltc, clinician):
    clinician.licence_number = "CFPC 123456"
    clinician.save()
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)
    certificate = Certificate.objects.get()

    privacy.delete_account(user=clinician)

    page = Client().get(f"/certificates/{certificate.number}/").content.decode()
    assert "a deleted account" in page and "Valid." in page
    assert "Alice" not in page and "Tremblay" not in page
    certificate.refresh_from_db()
    assert "Tremblay" not in str(certificate.content) and "123456" not in str(certificate.content)


def test_they_can_be_deleted_with_the_account_where_no_body_asks_to_keep_them(ltc, clinician, settings):
    settings.CERTIFICATES_KEPT_AFTER_ACCOUNT_DELETION = False
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)

    privacy.delete_account(user=clinician)

    assert not Certificate.objects.exists()
