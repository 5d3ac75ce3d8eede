"""Staff see and export the registrants of a session or a series, and move people off the waitlist by hand."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ltc(hub):
    series = factories.SeriesFactory(title="Long-Term Care CoP", hub=hub, registration_mode=Series.RegistrationMode.KEY)
    return series


@pytest.fixture
def registrants(ltc, hub):
    session = factories.SessionFactory(series=ltc, title="Advance Care Planning", capacity=1)
    key = factories.EnrollmentKeyFactory(series=ltc, code="LTC-NORTH", hub=hub)
    spoke = factories.SpokeFactory(hub=hub, name="Lakeside Long-Term Care Home")
    amelie = factories.UserFactory(
        email="amelie@example.org",
        first_name="Amélie",
        last_name="Côté",
        profession="registered_practical_nurse",
        province="QC",
        practice_settings=["long_term_care", "home_community"],
    )
    mallory = factories.UserFactory(email="mallory@example.org", first_name="=HYPERLINK(1)", last_name="Evil")
    factories.SpokeMembershipFactory(spoke=spoke, user=amelie)
    factories.EnrollmentFactory(user=amelie, series=ltc, key=key)
    factories.EnrollmentFactory(user=mallory, series=ltc)
    factories.RegistrationFactory(user=amelie, session=session)
    factories.RegistrationFactory(user=mallory, session=session, status=Registration.Status.WAITLISTED)
    return session


def _export(client, url, ids):
    response = client.post(url, {"action": "export_csv", "_selected_action": ids})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_registrants_of_a_session_export_with_the_columns_staff_need(client, staff, registrants):
    client.force_login(staff)
    ids = list(Registration.objects.values_list("pk", flat=True))

    rows = _export(client, reverse("admin:enrollment_registration_changelist"), ids)

    assert rows[0] == [
        "name",
        "email",
        "profession",
        "province or territory",
        "practice settings",
        "spoke",
        "series",
        "session",
        "starts",
        "status",
        "registered",
        "key used",
        "minutes attended",
        "minutes in the participant report",
    ]
    amelie = next(row for row in rows if row[1] == "amelie@example.org")
    assert amelie[0] == "Amélie Côté"
    assert amelie[2] == "Registered practical nurse"
    assert amelie[3] == "Quebec"
    assert amelie[4] == "Long-term care; Home and community care"
    assert amelie[5] == "Lakeside Long-Term Care Home"
    assert amelie[6:8] == ["Long-Term Care CoP", "Advance Care Planning"]
    assert amelie[9] == "Registered"
    assert amelie[11] == "LTC-NORTH"
    mallory = next(row for row in rows if row[1] == "mallory@example.org")
    assert mallory[0] == "'=HYPERLINK(1) Evil"
    assert mallory[9] == "Waitlisted"


def test_enrollments_of_a_series_export_too(client, staff, registrants):
    client.force_login(staff)
    ids = list(Enrollment.objects.values_list("pk", flat=True))

    rows = _export(client, reverse("admin:enrollment_enrollment_changelist"), ids)

    assert rows[0][-1] == "key used"
    people = sorted(row[:2] + [row[-1]] for row in rows[1:])
    assert people == [
        ["'=HYPERLINK(1) Evil", "mallory@example.org", ""],
        ["Amélie Côté", "amelie@example.org", "LTC-NORTH"],
    ]


def test_the_registrant_list_shows_and_filters_by_profession_and_status(client, staff, registrants):
    client.force_login(staff)
    url = reverse("admin:enrollment_registration_changelist")

    everyone = client.get(url).content.decode()
    nurses = client.get(url, {"user__profession": "registered_practical_nurse"}).content.decode()
    waitlist = client.get(url, {"status__exact": "waitlisted", "session__id__exact": registrants.pk}).content.decode()

    assert "amelie@example.org" in everyone and "mallory@example.org" in everyone
    assert "Lakeside Long-Term Care Home" in everyone
    assert "LTC-NORTH" in everyone
    assert "amelie@example.org" in nurses and "mallory@example.org" not in nurses
    assert "mallory@example.org" in waitlist and "amelie@example.org" not in waitlist


def test_staff_move_someone_from_the_waitlist(client, staff, registrants):
    client.force_login(staff)
    waitlisted = Registration.objects.get(status=Registration.Status.WAITLISTED)

    response = client.post(
        reverse("admin:enrollment_registration_changelist"),
        {"action": "move_from_waitlist", "_selected_action": [waitlisted.pk]},
        follow=True,
    )

    waitlisted.refresh_from_db()
    assert waitlisted.status == Registration.Status.REGISTERED
    assert "1 person was moved from the waitlist" in response.content.decode()


def test_a_learner_cannot_open_the_registrant_admin(client, clinician, registrants):
    client.force_login(clinician)

    response = client.get(reverse("admin:enrollment_registration_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_export_speaks_the_staff_members_language_and_time_zone(client, registrants):
    """The CSV streams after the middleware has unwound; it must still be French and the admin's Eastern Time (the
    zone every admin page states), not UTC, even for staff whose own zone is Vancouver's."""
    registrants.starts_at = dt.datetime(2026, 3, 10, 17, 0, tzinfo=dt.UTC)
    registrants.ends_at = registrants.starts_at + dt.timedelta(hours=1)
    registrants.save()
    vancouver = factories.UserFactory(
        email="bc-staff@example.org", is_staff=True, is_superuser=True, preferred_language="fr", province="BC"
    )
    client.force_login(vancouver)
    ids = list(Registration.objects.values_list("pk", flat=True))

    rows = _export(client, reverse("admin:enrollment_registration_changelist"), ids)

    amelie = next(row for row in rows if row[1] == "amelie@example.org")
    assert rows[0][3] == "province ou territoire"
    assert amelie[3] == "Québec"
    assert amelie[8] == "2026-03-10 13:00"  # 17:00 UTC is 13:00 in Toronto (EDT), 10:00 in Vancouver
    assert amelie[9] == "Inscrit"
