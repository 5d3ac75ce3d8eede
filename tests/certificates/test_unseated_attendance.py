"""People in a participant report without a seat are listed on the series' credits page and earn nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from enrollment import services as enrollment_services
from enrollment.models import Registration, UnseatedAttendance
from tests import factories

from .conftest import attend

pytestmark = pytest.mark.django_db


def test_report_lines_without_a_seat_are_listed_and_earn_nothing(client, staff, ltc, clinician, outsider):
    attend(ltc, clinician)
    factories.RegistrationFactory(
        user=outsider,
        session=ltc.held[-1],
        status=Registration.Status.WAITLISTED,
        waitlisted_at=timezone.now() - dt.timedelta(days=9),
    )
    rows = [("alice@example.org", 60), ("charlie@example.org", 55), ("walkin@example.org", 50)]

    enrollment_services.record_attendance(session=ltc.held[-1], rows=rows)
    enrollment_services.record_attendance(session=ltc.held[-1], rows=rows)  # a second import replaces the list
    services.issue_for_series(series=ltc)
    client.force_login(staff)
    page = " ".join(client.get(reverse("admin:series_series_credits", args=[ltc.pk])).content.decode().split())

    assert UnseatedAttendance.objects.count() == 2
    assert "In a participant report, without a seat" in page
    assert "walkin@example.org" in page and "Not registered for the session" in page
    assert "charlie@example.org" in page and "On the waitlist" in page
    assert list(Certificate.objects.values_list("user__email", flat=True)) == ["alice@example.org"]
