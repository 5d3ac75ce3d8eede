"""After `seed_demo` on a development site the demo clinician holds the past LTC cohort's certificate."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from certificates.models import Certificate
from echo_portal.demo import people

from .conftest import qr_links


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=out)
    return out.getvalue()


def test_the_demo_clinician_downloads_a_certificate_whose_qr_code_opens_its_verification(client, seeded, tmp_path):
    clinician = people.demo_person("clinician")
    certificate = Certificate.objects.get(user=clinician)
    client.force_login(clinician)

    assert f"Demo certificate {certificate.number}" in seeded
    assert certificate.series.slug == "long-term-care-community-of-practice"
    assert certificate.credits == 11 and len(certificate.content["sessions"]) == 11
    links = qr_links(client.get(certificate.get_download_url()).content, tmp_path)
    assert links == [f"{settings.SITE_URL}/certificates/{certificate.number}/"]
    client.logout()
    assert "Valid." in client.get(links[0].removeprefix(settings.SITE_URL)).content.decode()


def test_seeding_twice_issues_nothing_new(seeded):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=out)

    assert Certificate.objects.count() == 1
    assert "(already there)" in out.getvalue()
