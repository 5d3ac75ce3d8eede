"""Staff see the outbox, filter it, and send a failed or sent email again."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import OutboundEmail
from tests.notifications.outbox_support import outbox_templates_fixture, queue_hello  # noqa: F401 - fixtures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("outbox_templates")]

CHANGELIST = reverse("admin:notifications_outboundemail_changelist")


def _row(key: str, status: str, **kwargs) -> OutboundEmail:
    with mock.patch("notifications.tasks.publish_deliveries"):
        row = queue_hello(key, **kwargs)
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=status, last_error="550 5.1.1 No such user" * (status == "failed")
    )
    row.refresh_from_db()
    return row


def test_staff_filter_the_outbox_by_status_and_kind(client, staff):
    _row("reminder-24h:1", "failed", kind="reminder", to="bob@example.org")
    _row("confirm:1", "sent", kind="confirmation", to="carol@example.org")
    client.force_login(staff)

    page = client.get(CHANGELIST, {"status__exact": "failed", "kind__exact": "reminder"}).content.decode()

    assert "bob@example.org" in page
    assert "carol@example.org" not in page


def test_staff_search_by_recipient_or_key_prefix(client, staff):
    _row("reminder-24h:1", "sent", to="bob@example.org")
    _row("confirm:1", "sent", to="carol@example.org")
    client.force_login(staff)

    assert "bob@example.org" in client.get(CHANGELIST, {"q": "reminder-24h:"}).content.decode()
    by_recipient = client.get(CHANGELIST, {"q": "carol@"}).content.decode()
    assert "carol@example.org" in by_recipient and "bob@example.org" not in by_recipient


def test_the_detail_page_is_read_only_and_shows_why_it_failed(client, staff):
    row = _row("confirm:1", "failed")
    client.force_login(staff)

    page = client.get(reverse("admin:notifications_outboundemail_change", args=[row.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert "550 5.1.1 No such user" in body
    assert 'name="subject"' not in body  # no editable field
    post = client.post(reverse("admin:notifications_outboundemail_change", args=[row.pk]), {"subject": "Changed"})
    assert post.status_code == 403
    row.refresh_from_db()
    assert row.subject.startswith("Hello")


def test_resend_sends_failed_and_sent_emails_again_and_leaves_queued_ones(
    client, staff, django_capture_on_commit_callbacks
):
    failed = _row("confirm:1", "failed")
    sent = _row("confirm:2", "sent")
    queued = _row("confirm:3", "queued")
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "resend", "_selected_action": [failed.pk, sent.pk, queued.pk]},
            follow=True,
        )

    body = response.content.decode()
    assert "2 emails will be sent again." in body
    assert "1 email was left alone" in body
    assert sorted(message.extra_headers["X-Echo-Idempotency-Key"] for message in mail.outbox) == [
        "confirm:1",
        "confirm:2",
    ]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    queued.refresh_from_db()
    assert queued.status == "queued"


def test_people_without_admin_access_see_nothing(client, clinician):
    _row("confirm:1", "sent")
    client.force_login(clinician)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
