"""Documents are issued once the last session has attendance, to registered learners past the threshold only."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from enrollment import services as enrollment_services
from enrollment.models import Registration
from notifications.models import OutboundEmail
from tests import factories

from .conftest import attend

pytestmark = pytest.mark.django_db


def test_importing_the_last_sessions_report_issues_and_emails_the_documents(
    client, staff, ltc, clinician, outsider, django_capture_on_commit_callbacks, mailoutbox
):
    attend(ltc, clinician, minutes=(60, 50, None))
    attend(ltc, outsider, minutes=(20, 30, None))  # never past 75 %
    report = b"User Email,Minutes\nalice@example.org,58\ncharlie@example.org,10\nstranger@example.org,60\n"
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:enrollment_registration_record_attendance"),
            {"session": ltc.held[-1].pk, "report": SimpleUploadedFile("p.csv", report, content_type="text/csv")},
            follow=True,
        )

    assert "1 document issued" in response.content.decode()
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.kind, certificate.credits) == (clinician, "certificate", 3)
    assert [s["title"] for s in certificate.content["sessions"]] == [s.title for s in ltc.held]
    assert len(certificate.number) == 23 and certificate.number.count("-") == 3
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.CERTIFICATE)
    assert email.recipient == "alice@example.org"
    assert f"/certificates/{certificate.number}/download/" in email.body_text
    assert [m.to for m in mailoutbox if "Certificate" in m.subject] == [["alice@example.org"]]


def test_nothing_is_issued_before_the_last_session_has_attendance(staff, ltc, clinician):
    attend(ltc, clinician, minutes=(60, 60, None))

    result = services.issue_if_series_complete(series=ltc)

    assert result is None and not Certificate.objects.exists()


def test_no_document_for_someone_who_did_not_register(ltc, clinician, outsider):
    attend(ltc, clinician)
    factories.RegistrationFactory(
        user=outsider,
        session=ltc.held[0],
        status=Registration.Status.WAITLISTED,
        waitlisted_at=timezone.now() - dt.timedelta(days=70),
        attended_minutes=60,
    )

    services.issue_for_series(series=ltc)

    assert list(Certificate.objects.values_list("user__email", flat=True)) == ["alice@example.org"]


def test_issuing_twice_changes_nothing_and_sends_no_second_email(ltc, clinician):
    attend(ltc, clinician)
    services.issue_for_series(series=ltc)

    again = services.issue_for_series(series=ltc)

    assert (len(again.issued), len(again.reissued), again.unchanged) == (0, 0, 1)
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.CERTIFICATE).count() == 1


def test_a_correction_reissues_under_the_same_number_as_a_replacement(staff, ltc, clinician):
    registrations = attend(ltc, clinician, minutes=(60, 60, 30))
    first = services.issue_for_series(series=ltc).issued[0]

    enrollment_services.adjust_attendance(
        registration_ids=[registrations[-1].pk], mark="present", reason="Joined by telephone", by=staff
    )
    result = services.issue_if_series_complete(series=ltc)

    certificate = Certificate.objects.get()
    assert result.reissued == [certificate]
    assert (certificate.number, certificate.revision, certificate.reissue) == (first.number, 1, "replacement")
    assert certificate.credits == 3
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.CERTIFICATE).count() == 2


def test_a_cccep_statement_issued_again_within_36_months_is_a_duplicate(cccep_series, clinician, staff):
    registrations = attend(cccep_series, clinician, minutes=(60, 40))
    services.issue_for_series(series=cccep_series)
    enrollment_services.adjust_attendance(
        registration_ids=[registrations[-1].pk], minutes=60, reason="Host report", by=staff
    )

    services.issue_for_series(series=cccep_series)

    statement = Certificate.objects.get()
    assert (statement.kind, statement.reissue) == ("statement", "duplicate")
    later = statement.first_issued_at + dt.timedelta(days=37 * 31)
    enrollment_services.adjust_attendance(
        registration_ids=[registrations[0].pk], minutes=30, reason="Host report", by=staff
    )
    services.issue_for_series(series=cccep_series, now=later)
    statement.refresh_from_db()
    assert statement.reissue == "replacement"


def test_staff_issue_in_bulk_from_the_series_admin_and_revoke_with_a_reason(client, staff, ltc, clinician, outsider):
    attend(ltc, clinician)
    attend(ltc, outsider, minutes=(60, None, None))
    client.force_login(staff)

    response = client.post(
        reverse("admin:series_series_changelist"),
        {"action": "issue_documents", "_selected_action": [ltc.pk]},
        follow=True,
    )
    assert "2 documents issued" in response.content.decode()

    certificate = Certificate.objects.get(user=outsider)
    assert certificate.credits == 1
    changelist = reverse("admin:certificates_certificate_changelist")
    client.post(changelist, {"action": "revoke", "_selected_action": [certificate.pk], "apply": "1", "reason": ""})
    certificate.refresh_from_db()
    assert certificate.is_valid  # no reason, nothing revoked

    client.post(
        changelist,
        {"action": "revoke", "_selected_action": [certificate.pk], "apply": "1", "reason": "Wrong person"},
    )
    certificate.refresh_from_db()
    assert (certificate.state, certificate.revoked_reason) == ("revoked", "Wrong person")
    listing = client.get(changelist).content.decode()
    assert certificate.number in listing and "Revoked" in listing


def test_my_learning_lists_the_learners_documents_only(client, ltc, clinician, outsider):
    attend(ltc, clinician)
    attend(ltc, outsider)
    services.issue_for_series(series=ltc)
    mine = Certificate.objects.get(user=clinician)
    theirs = Certificate.objects.get(user=outsider)
    client.force_login(clinician)

    page = client.get(reverse("enrollment:my_learning")).content.decode()

    assert mine.get_download_url() in page and theirs.number not in page
    assert "Certificate of attendance" in page
