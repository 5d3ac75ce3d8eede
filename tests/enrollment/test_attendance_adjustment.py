"""Staff adjust attendance by hand for one or many registrants, with a reason kept beside the imported value."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.models import AttendanceChange, Registration
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:enrollment_registration_changelist")


@pytest.fixture
def session(hub):
    series = factories.SeriesFactory(title="Long-Term Care CoP", hub=hub)
    return factories.SessionFactory(series=series, title="Advance Care Planning", days_from_now=-7)


def _action(registrations, **form):
    return {
        "action": "adjust_attendance",
        "_selected_action": [registration.pk for registration in registrations],
        "apply": "1",
        **form,
    }


def test_staff_mark_several_registrants_present_with_a_reason_and_the_change_is_audited(client, staff, session):
    phoned_in = factories.RegistrationFactory(session=session, attended_minutes=10, imported_minutes=10)
    never_joined = factories.RegistrationFactory(session=session)
    client.force_login(staff)

    form_page = client.post(CHANGELIST, {"action": "adjust_attendance", "_selected_action": [phoned_in.pk]})
    response = client.post(CHANGELIST, _action([phoned_in, never_joined], mark="present", reason="Joined by telephone"))

    assert "Adjust the attendance of 1 registrant" in form_page.content.decode()
    assert response.status_code == 302
    phoned_in.refresh_from_db()
    never_joined.refresh_from_db()
    assert phoned_in.attended_minutes == 60 and never_joined.attended_minutes == 60
    change = AttendanceChange.objects.get(registration=phoned_in)
    assert (change.changed_by, change.reason) == (staff, "Joined by telephone")
    assert (change.minutes_before, change.minutes_after, change.imported_minutes) == (10, 60, 10)
    assert AttendanceChange.objects.get(registration=never_joined).minutes_before is None
    listing = client.get(f"{CHANGELIST}?session__id__exact={session.pk}").content.decode()
    assert "60 (adjusted by staff)" in listing
    detail = client.get(reverse("admin:enrollment_registration_change", args=[phoned_in.pk])).content.decode()
    assert "Joined by telephone" in detail


def test_a_reason_is_required_and_nothing_changes_without_it(client, staff, session):
    registration = factories.RegistrationFactory(session=session, attended_minutes=30)
    client.force_login(staff)

    response = client.post(CHANGELIST, _action([registration], mark="absent", reason="  "))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended_minutes == 30
    assert not AttendanceChange.objects.exists()


def test_minutes_are_set_capped_at_the_session_length_and_absent_is_zero(staff, session):
    first, second = factories.RegistrationFactory.create_batch(2, session=session)

    services.adjust_attendance(registration_ids=[first.pk], minutes=500, reason="Host report", by=staff)
    services.adjust_attendance(registration_ids=[second.pk], mark="absent", reason="Left at once", by=staff)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended_minutes, second.attended_minutes) == (60, 0)


def test_choosing_minutes_without_a_number_is_refused(client, staff, session):
    registration = factories.RegistrationFactory(session=session)
    client.force_login(staff)

    response = client.post(CHANGELIST, _action([registration], mark="minutes", minutes="", reason="Host report"))

    assert "Give the number of minutes." in response.content.decode()
    with pytest.raises(ValidationError):
        services.adjust_attendance(registration_ids=[registration.pk], reason="x", by=staff)


def test_waitlisted_people_and_sessions_not_yet_held_are_left_alone(staff, session):
    waitlisted = factories.RegistrationFactory(
        session=session, status=Registration.Status.WAITLISTED, waitlisted_at=timezone.now() - dt.timedelta(days=9)
    )
    upcoming = factories.RegistrationFactory(session=factories.SessionFactory(series=session.series, days_from_now=3))

    result = services.adjust_attendance(
        registration_ids=[waitlisted.pk, upcoming.pk], mark="present", reason="Try", by=staff
    )

    assert result.changed == [] and (result.skipped_not_registered, result.skipped_not_held) == (1, 1)
    assert not AttendanceChange.objects.exists()


def test_a_later_report_import_keeps_what_staff_set_and_records_the_report(staff, session):
    user = factories.UserFactory(email="amelie@example.org")
    registration = factories.RegistrationFactory(user=user, session=session)
    services.adjust_attendance(registration_ids=[registration.pk], mark="present", reason="Phone", by=staff)

    result = services.record_attendance(session=session, rows=[("amelie@example.org", 20)])

    registration.refresh_from_db()
    assert (registration.attended_minutes, registration.imported_minutes) == (60, 20)
    assert result.kept_adjusted == 1


def test_a_hub_manager_who_may_only_view_cannot_adjust(client, hub_manager, session):
    from hubs import services as hub_services

    hub_services.grant_hub_manager_admin(user=hub_manager)
    registration = factories.RegistrationFactory(session=session, attended_minutes=30)
    client.force_login(hub_manager)

    client.post(CHANGELIST, _action([registration], mark="present", reason="Mine"))

    registration.refresh_from_db()
    assert registration.attended_minutes == 30
    assert not AttendanceChange.objects.exists()
