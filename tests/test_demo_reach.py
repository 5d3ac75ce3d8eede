"""The demo's past sessions have attendance and evaluation answers: the admin opens /staff/reach/, and the
semi-annual PDF's headline matches the tables it prints; nothing is emailed, and a second run adds nothing."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command

from echo_portal.demo import people
from enrollment.models import Registration
from evaluation.models import EvaluationRequest, Response
from notifications.models import OutboundEmail
from tests.evaluation.support import ensure_default_form

HEADLINE = re.compile(r'<p class="headline" id="headline">(.*?)</p>')


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    ensure_default_form()
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())


def _counts():
    return (Registration.objects.count(), EvaluationRequest.objects.count(), Response.objects.count())


def test_past_sessions_have_attendance_and_some_answers_without_any_email(seeded):
    assert Registration.objects.filter(attended_minutes__gt=0).count() > 500
    asked, answered = EvaluationRequest.objects.count(), Response.objects.count()
    assert 0 < answered < asked
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.EVALUATION).exists()

    before = _counts()
    call_command("seed_demo", "--if-empty", stdout=io.StringIO(), stderr=io.StringIO())
    assert _counts() == before


def test_the_admin_downloads_a_semi_annual_pdf_whose_headline_matches_the_tables(seeded, client, tmp_path):
    client.force_login(people.demo_person("admin"))
    page = client.get("/staff/reach/", {"period": "fy2021-h2"}).content.decode()
    headline = HEADLINE.search(page).group(1)
    participations, sessions = map(int, re.match(r"([\d,]+) participations across (\d+) sessions", headline).groups())

    pdf = client.get("/staff/reach/report.pdf", {"period": "fy2021-h2"})
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )

    assert headline in text
    monthly = sum(
        int(n) for n in re.findall(r"(?:October|November|December|January|February|March) 20\d\d (\d+) \d+", text)
    )
    assert monthly == participations and sessions > 10
