"""The public side's demo step: pages with something in them, a list to send to, and a second run changes nothing."""

import datetime as dt
import io

import pytest

from content.models import FaqEntry, Newsletter, Report
from echo_portal.demo import STEPS, public
from outreach.models import Mailing, PartnerInquiry, Subscriber

pytestmark = pytest.mark.django_db


def _counts():
    return (
        FaqEntry.objects.count(),
        Newsletter.objects.count(),
        Report.objects.count(),
        Subscriber.objects.on_the_list().count(),
        Mailing.objects.count(),
        PartnerInquiry.objects.count(),
    )


def test_the_demo_fills_the_public_pages_and_runs_twice_without_duplicates(client):
    assert "echo_portal.demo.public.seed" in STEPS
    out = io.StringIO()

    public.seed(today=dt.date(2026, 12, 1), stdout=out)
    first = _counts()
    public.seed(today=dt.date(2026, 12, 1), stdout=io.StringIO())

    assert _counts() == first
    assert first == (3, 1, 1, 3, 1, 1)
    assert "3 mailing-list subscribers" in out.getvalue()
    assert "What is an enrollment key?" in client.get("/faq/").content.decode()
    assert "Newsletter (demo)" in client.get("/newsletters/").content.decode()
