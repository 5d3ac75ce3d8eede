"""Staff record attendance in bulk from the participant report their video platform exports."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.formatting import format_date
from enrollment import services
from enrollment.attendance import ParticipantReportError, parse_participant_report
from enrollment.models import Registration
from tests import factories

pytestmark = pytest.mark.django_db

URL = "admin:enrollment_registration_record_attendance"

ZOOM_REPORT = (
    "\ufeffMeeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "900001,Advance Care Planning,11/16/2026 12:00,11/16/2026 13:00,host@example.org,60,3\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Amélie Côté,Amelie@Example.org ,11/16/2026 12:00,11/16/2026 12:30,30,No\n"
    "Amélie Côté,amelie@example.org,11/16/2026 12:35,11/16/2026 13:00,25,No\n"
    "Walk In,walkin@example.org,11/16/2026 12:00,11/16/2026 13:00,60,No\n"
    "Phone guest,,11/16/2026 12:00,11/16/2026 13:00,60,Yes\n"
).encode()


@pytest.fixture
def session(hub):
    series = factories.SeriesFactory(title="Long-Term Care CoP", hub=hub)
    return factories.SessionFactory(series=series, title="Advance Care Planning", days_from_now=-7)


@pytest.fixture
def amelie(session):
    user = factories.UserFactory(email="amelie@example.org", first_name="Amélie", last_name="Côté")
    return factories.RegistrationFactory(user=user, session=session)


@pytest.fixture
def waitlisted(session):
    user = factories.UserFactory(email="wanda@example.org")
    return factories.RegistrationFactory(user=user, session=session, status=Registration.Status.WAITLISTED)


def _upload(content: bytes, name: str = "participants.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


# Parsing


def test_a_zoom_report_with_bom_and_summary_gives_each_participant_with_rejoins_summed():
    rows = parse_participant_report(ZOOM_REPORT)

    assert rows == [("amelie@example.org", 55), ("walkin@example.org", 60)]


@pytest.mark.parametrize(
    ("email_header", "minutes_header"),
    [
        ("User Email", "Duration (Minutes)"),
        ("email", "Total Duration (Minutes)"),
        ("EMAIL ADDRESS", "Minutes"),
        ("Email", "duration"),
    ],
)
def test_header_variants_are_recognized_without_a_bom(email_header, minutes_header):
    content = f"Name,{email_header},{minutes_header}\n\nAmélie,amelie@example.org,42\n,,\n".encode()

    assert parse_participant_report(content) == [("amelie@example.org", 42)]


def test_a_missing_minutes_column_is_named():
    with pytest.raises(ParticipantReportError) as raised:
        parse_participant_report(b"Name,User Email,Join Time\nAmelie,amelie@example.org,12:00\n")

    assert "minutes column" in raised.value.message
    assert isinstance(raised.value, ValueError)


def test_a_missing_email_column_is_named():
    with pytest.raises(ParticipantReportError) as raised:
        parse_participant_report(b"Name,Duration (Minutes)\nAmelie,30\n")

    assert "email column" in raised.value.message


def test_a_minutes_cell_that_is_not_a_number_names_its_line():
    content = b"User Email,Duration (Minutes)\namelie@example.org,30\nwalkin@example.org,half an hour\n"

    with pytest.raises(ParticipantReportError) as raised:
        parse_participant_report(content)

    assert raised.value.message == "Line 3: “half an hour” is not a number of minutes."


def test_a_file_that_is_not_utf8_is_refused_with_a_message():
    with pytest.raises(ParticipantReportError) as raised:
        parse_participant_report("User Email,Minutes\nrené@example.org,30\n".encode("utf-16"))

    assert "UTF-8" in raised.value.message


# The service


def test_minutes_are_matched_in_any_case_summed_and_capped_at_the_session_length(session, amelie):
    result = services.record_attendance(
        session=session, rows=[(" AMELIE@example.org ", 50), ("amelie@example.org", 40), ("nobody@example.org", 5)]
    )

    amelie.refresh_from_db()
    assert amelie.attended_minutes == 60  # 90 minutes summed, the session lasts an hour
    assert result.matched == 1
    assert result.updated == [amelie]
    assert result.unmatched == ["nobody@example.org"]
    assert result.not_registered == []


def test_a_waitlisted_person_is_reported_and_not_updated(session, amelie, waitlisted):
    result = services.record_attendance(session=session, rows=[("wanda@example.org", 45), ("amelie@example.org", 30)])

    waitlisted.refresh_from_db()
    assert waitlisted.attended_minutes is None
    assert result.not_registered == ["wanda@example.org"]
    assert result.matched == 1


def test_importing_the_same_report_again_sets_the_same_minutes(session, amelie):
    rows = parse_participant_report(ZOOM_REPORT)

    first = services.record_attendance(session=session, rows=rows)
    second = services.record_attendance(session=session, rows=rows)

    amelie.refresh_from_db()
    assert amelie.attended_minutes == 55
    assert (first.matched, first.unmatched) == (second.matched, second.unmatched) == (1, ["walkin@example.org"])


def test_another_sessions_registration_is_left_alone(session, amelie):
    elsewhere = factories.RegistrationFactory(user=amelie.user, session=factories.SessionFactory(days_from_now=-14))

    services.record_attendance(session=session, rows=[("amelie@example.org", 30)])

    elsewhere.refresh_from_db()
    assert elsewhere.attended_minutes is None


# The admin view


def test_the_registration_changelist_links_to_the_import(client, staff):
    client.force_login(staff)

    response = client.get(reverse("admin:enrollment_registration_changelist"))

    assert reverse(URL).encode() in response.content
    assert b"Record attendance from a CSV" in response.content


def test_staff_upload_a_report_and_see_a_summary(client, staff, session, amelie, waitlisted):
    client.force_login(staff)

    response = client.post(reverse(URL), {"session": session.pk, "report": _upload(ZOOM_REPORT)}, follow=True)

    amelie.refresh_from_db()
    assert amelie.attended_minutes == 55
    changelist = reverse("admin:enrollment_registration_changelist")
    assert response.redirect_chain == [(f"{changelist}?session__id__exact={session.pk}", 302)]
    assert (
        "Attendance recorded for 1 registrant. 1 person in the report is not registered: walkin@example.org"
        in response.content.decode()
    )


def test_the_form_offers_only_sessions_that_took_place(client, staff, session):
    upcoming = factories.SessionFactory(series=session.series, title="Next month", days_from_now=30)
    cancelled = factories.SessionFactory(series=session.series, title="Called off", days_from_now=-3)
    cancelled.status = cancelled.Status.CANCELLED
    cancelled.save()
    client.force_login(staff)

    response = client.get(reverse(URL))

    choices = list(response.context["form"].fields["session"].queryset)
    assert choices == [session]
    assert upcoming not in choices


def test_a_bad_file_shows_the_error_and_changes_nothing(client, staff, session, amelie):
    client.force_login(staff)
    bad = b"User Email,Duration (Minutes)\namelie@example.org,30\namelie@example.org,lots\n"

    response = client.post(reverse(URL), {"session": session.pk, "report": _upload(bad)})

    assert response.status_code == 200
    assert "Line 3: “lots” is not a number of minutes." in response.content.decode()
    amelie.refresh_from_db()
    assert amelie.attended_minutes is None


def test_a_learner_cannot_open_the_import(client, clinician):
    client.force_login(clinician)

    response = client.get(reverse(URL))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.fixture
def hub_manager_in_admin(hub_manager):
    from hubs import services as hub_services

    hub_services.grant_hub_manager_admin(user=hub_manager)
    return hub_manager


def test_a_hub_manager_who_may_only_view_registrations_cannot_record_attendance(client, hub_manager_in_admin):
    client.force_login(hub_manager_in_admin)

    changelist = client.get(reverse("admin:enrollment_registration_changelist"))
    response = client.get(reverse(URL))

    assert changelist.status_code == 200
    assert reverse(URL).encode() not in changelist.content
    assert response.status_code == 403


def test_a_hub_manager_cannot_pick_another_hubs_session(client, hub_manager_in_admin, other_hub, session):
    hub_manager_in_admin.user_permissions.add(
        Permission.objects.get(content_type__app_label="enrollment", codename="change_registration")
    )
    theirs = factories.SessionFactory(series=factories.SeriesFactory(hub=other_hub), days_from_now=-7)
    stranger = factories.RegistrationFactory(user=factories.UserFactory(email="eve@example.org"), session=theirs)
    client.force_login(hub_manager_in_admin)

    page = client.get(reverse(URL))
    report = b"User Email,Minutes\neve@example.org,45\n"
    response = client.post(reverse(URL), {"session": theirs.pk, "report": _upload(report)})

    assert list(page.context["form"].fields["session"].queryset) == [session]
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    stranger.refresh_from_db()
    assert stranger.attended_minutes is None


def test_registrants_missing_from_the_report_are_recorded_absent(session, amelie):
    absent = factories.RegistrationFactory(session=session, user=factories.UserFactory(email="bea@example.org"))
    cancelled = factories.RegistrationFactory(session=session, status=Registration.Status.CANCELLED)

    result = services.record_attendance(session=session, rows=[("amelie@example.org", 40)])

    absent.refresh_from_db()
    cancelled.refresh_from_db()
    assert (absent.attended_minutes, absent.imported_minutes) == (0, 0)
    assert cancelled.attended_minutes is None
    assert result.absent == 1


def test_an_adjusted_absentee_keeps_the_minutes_staff_gave(session, amelie, staff):
    services.adjust_attendance(registration_ids=[amelie.pk], minutes=50, reason="Joined by phone", by=staff)

    services.record_attendance(session=session, rows=[("someone@example.org", 40)])

    amelie.refresh_from_db()
    assert (amelie.attended_minutes, amelie.imported_minutes) == (50, 0)


def test_the_session_menu_names_the_series_title_and_date(client, staff, session):
    client.force_login(staff)
    page = client.get(reverse(URL)).content.decode()
    assert '<label for="id_session">Session ' in page
    assert f">Long-Term Care CoP – Advance Care Planning ({format_date(session.starts_at)})</option>" in page


def test_staff_are_told_who_was_recorded_absent(client, staff, session, amelie):
    factories.RegistrationFactory(session=session, user=factories.UserFactory(email="bea@example.org"))
    client.force_login(staff)
    response = client.post(reverse(URL), {"session": session.pk, "report": _upload(ZOOM_REPORT)}, follow=True)
    assert "1 registrant not in the report was recorded absent." in response.content.decode()
