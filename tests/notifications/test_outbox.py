"""Queueing: one row per idempotency key, written in the caller's transaction, delivered after commit."""

import base64
import email
import email.policy

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import OutboundEmail
from notifications.outbox import Attachment, EmailToQueue, queue_bulk
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    broker_refusing,
    outbox_templates_fixture,
    queue_hello,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("outbox_templates")]

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_the_row_is_written_in_the_callers_transaction_and_rolled_back_with_it(django_capture_on_commit_callbacks):
    class RegistrationFailed(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RegistrationFailed),
        transaction.atomic(),
    ):
        assert queue_hello("confirm:1") is not None
        assert OutboundEmail.objects.filter(idempotency_key="confirm:1").exists()
        raise RegistrationFailed

    assert not OutboundEmail.objects.exists()
    assert callbacks == []
    assert mail.outbox == []


def test_after_commit_the_email_is_delivered_with_both_bodies(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_hello("confirm:2", context={"name": "Alice"})
        # Nothing leaves before the transaction commits.
        assert mail.outbox == []

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    # A subject is one line even when the template wraps.
    assert message.subject == "Hello Alice (second line)"
    assert "Hello Alice, http://127.0.0.1:8000/me/" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="http://127.0.0.1:8000/me/">' in html
    assert message.extra_headers["X-Echo-Idempotency-Key"] == "confirm:2"
    assert message.extra_headers["Message-ID"].endswith("@localhost>")


def test_the_same_key_twice_writes_one_row_and_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_hello("confirm:3")
        second = queue_hello("confirm:3", context={"name": "Someone else"})

    assert first is not None
    assert second is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_email_is_rendered_in_the_recipients_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_hello("confirm:4", language="fr", template="testmail/plain", context={"name": "Élise"})

    assert row.language == "fr"
    assert row.body_html == ""
    [message] = mail.outbox
    assert message.body == "Just text for Élise.\n"
    # No HTML template: a plain-text email, no empty alternative.
    assert message.alternatives == []


def test_attachments_travel_base64_in_the_row_and_arrive_intact(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_hello(
            "confirm:5",
            attachments=[
                Attachment("invite.ics", ICS, "text/calendar; method=REQUEST"),
                Attachment("slides.pdf", b"%PDF-1.7 \x00\xff", "application/pdf"),
            ],
            headers={"List-Unsubscribe": "<http://127.0.0.1:8000/unsubscribe/abc>"},
        )

    assert base64.b64decode(row.attachments[0]["content_b64"]).decode() == ICS
    [message] = mail.outbox
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == "<http://127.0.0.1:8000/unsubscribe/abc>"
    parts = {part.get_filename(): part for part in parsed.walk() if part.get_filename()}
    invite = parts["invite.ics"]
    assert invite.get_content_type() == "text/calendar"
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    assert parts["slides.pdf"].get_content() == b"%PDF-1.7 \x00\xff"


def test_an_invitation_is_also_the_last_body_alternative_so_outlook_shows_a_meeting_request(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_hello("confirm:7", attachments=[Attachment("invite.ics", ICS, "text/calendar; method=REQUEST")])

    [message] = mail.outbox
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    body, attachment = parsed.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    alternatives = body.get_payload()
    assert [part.get_content_type() for part in alternatives] == ["text/plain", "text/html", "text/calendar"]
    assert alternatives[-1].get_param("method") == "REQUEST"
    assert alternatives[-1].get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    # Clients that only list attachments still get the file.
    assert attachment.get_filename() == "invite.ics"


def test_a_calendar_without_a_method_is_only_an_attachment(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_hello("confirm:8", attachments=[Attachment("feed.ics", ICS, "text/calendar")])
    [message] = mail.outbox
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    body, _attachment = parsed.get_payload()
    assert "text/calendar" not in [part.get_content_type() for part in body.get_payload()]


def test_an_unknown_kind_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="Unknown email kind"):
        queue_hello("confirm:6", kind="newsletter")
    assert not OutboundEmail.objects.exists()


def test_a_broker_that_does_not_answer_never_fails_the_callers_request(django_capture_on_commit_callbacks, caplog):
    with broker_refusing(), django_capture_on_commit_callbacks(execute=True):
        row = queue_hello("confirm:7")

    row.refresh_from_db()
    # The row waits, queued, for the sweeper; the cause is logged.
    assert row.status == OutboundEmail.Status.QUEUED
    assert mail.outbox == []
    assert "the sweeper will retry" in caplog.text


def test_queue_bulk_writes_many_rows_in_one_insert_and_skips_keys_already_there(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_hello("recording:1:alice")
    mail.outbox.clear()
    messages = [
        EmailToQueue(
            to=f"learner{n}@example.org",
            language="fr" if n % 2 else "en",
            kind="recording",
            idempotency_key=f"recording:1:learner{n}",
            template="testmail/hello",
            context={"name": f"Learner {n}"},
        )
        for n in range(50)
    ]
    duplicate = EmailToQueue(
        to="alice@example.org",
        language="en",
        kind="recording",
        idempotency_key="recording:1:alice",
        template="testmail/hello",
        context={"name": "Alice"},
    )
    # 1. SELECT the keys that already exist
    # 2. INSERT the 50 new rows in one statement
    with django_capture_on_commit_callbacks(execute=False) as callbacks, django_assert_num_queries(2):
        written = queue_bulk(messages=[*messages, duplicate, messages[0]])

    assert written == 50
    assert OutboundEmail.objects.count() == 51
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 50
    assert len({message.to[0] for message in mail.outbox}) == 50
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}


def test_without_a_broker_the_email_is_written_to_the_mail_folder_at_commit(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    # `make run`: no CELERY_BROKER_URL, so tasks run in-process and mail goes to files under var/mail/.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"

    with django_capture_on_commit_callbacks(execute=True):
        row = queue_hello("confirm:8")

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    [written] = list((tmp_path / "mail").iterdir())
    assert "X-Echo-Idempotency-Key: confirm:8" in written.read_text()
