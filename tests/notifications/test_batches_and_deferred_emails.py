"""A fan-out batch on one real SMTP connection where one recipient is refused, and emails rendered at delivery.

The registration emails are written under the session lock as a name and a few ids, and rendered when a
worker delivers them: these tests follow such an email from the registration to the SMTP server.
"""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from enrollment import services
from notifications import sweeper
from notifications.delivery import Outcome, deliver, deliver_many
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    outbox_templates_fixture,
    queue_hello,
    smtp_sink_fixture,
)

pytestmark = pytest.mark.django_db


def _queued(key: str, **kwargs) -> OutboundEmail:
    with mock.patch("notifications.tasks.publish_deliveries"):
        return queue_hello(key, **kwargs)


@pytest.mark.usefixtures("outbox_templates")
def test_a_refused_recipient_fails_alone_and_the_rest_of_the_batch_goes_out_once_on_the_same_connection(smtp_sink):
    smtp_sink.refused_recipients["bob@example.org"] = "550 5.1.1 <bob@example.org>: Recipient address rejected"
    recipients = ["ann@example.org", "bob@example.org", "cyd@example.org", "dee@example.org"]
    rows = [_queued(f"recording:1:{n}", to=address) for n, address in enumerate(recipients)]

    counts = deliver_many(outbound_ids=[row.pk for row in rows])
    # The same batch handed out again (a redelivered task) sends nothing more.
    again = deliver_many(outbound_ids=[row.pk for row in rows])

    assert (counts[Outcome.SENT], counts[Outcome.FAILED]) == (3, 1)
    assert again[Outcome.SENT] == 0 and again[Outcome.NOT_CLAIMED] == 4
    assert sorted(smtp_sink.keys()) == ["recording:1:0", "recording:1:2", "recording:1:3"]
    assert len(set(smtp_sink.peers)) == 1
    by_recipient = {row.recipient: row for row in OutboundEmail.objects.all()}
    refused = by_recipient.pop("bob@example.org")
    assert refused.status == OutboundEmail.Status.FAILED
    # What the invitations need to know: refused for good, and the server's own words.
    assert refused.refusal_code == 550
    assert refused.last_error.startswith("550 5.1.1 <bob@example.org>: Recipient address rejected")
    assert {row.status for row in by_recipient.values()} == {OutboundEmail.Status.SENT}
    assert all(row.refusal_code is None for row in by_recipient.values())


@pytest.mark.usefixtures("outbox_templates")
def test_a_temporary_refusal_of_one_recipient_puts_only_that_row_back_in_the_queue(smtp_sink):
    smtp_sink.refused_recipients["bob@example.org"] = "450 4.2.1 Mailbox busy, try later"
    rows = [_queued(f"recording:2:{n}", to=address) for n, address in enumerate(["ann@example.org", "bob@example.org"])]

    counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert (counts[Outcome.SENT], counts[Outcome.RETRY]) == (1, 1)
    bob = OutboundEmail.objects.get(recipient="bob@example.org")
    assert (bob.status, bob.refusal_code) == (OutboundEmail.Status.QUEUED, None)
    assert bob.last_error.startswith("450 4.2.1")


@pytest.fixture
def open_series(hub):
    return factories.SeriesFactory(title="Grief CoP", hub=hub, registration_mode=Series.RegistrationMode.OPEN)


@pytest.fixture
def session(open_series):
    starts = timezone.now() + dt.timedelta(days=10)
    return factories.SessionFactory(
        series=open_series,
        title="Talking about dying",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        join_url="https://zoom.example.org/j/222",
    )


def test_a_registration_writes_its_email_unrendered_and_delivery_renders_it_and_keeps_what_was_sent(
    clinician, session, smtp_sink
):
    with mock.patch("notifications.tasks.publish_deliveries"):
        services.register(user=clinician, sessions=[session], consent=True)
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REGISTRATION)
    assert (row.subject, row.body_text, row.attachments) == ("", "", [])
    assert row.renderer == "enrollment.registrations_confirmed"

    assert deliver(outbound_id=row.pk).outcome is Outcome.SENT

    [message] = smtp_sink.received
    assert message["Subject"] == "You are registered: Talking about dying"
    assert "https://zoom.example.org/j/222" in message.get_body(preferencelist=("plain",)).get_content()
    assert any(part.get_filename() == "echo-sessions.ics" for part in message.iter_attachments())
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert row.subject == "You are registered: Talking about dying"
    assert "Talking about dying" in row.body_html
    assert [attachment["filename"] for attachment in row.attachments] == ["echo-sessions.ics"]


def test_an_email_whose_worker_died_before_rendering_it_is_taken_over_and_sent_once(clinician, session, smtp_sink):
    with mock.patch("notifications.tasks.publish_deliveries"):
        services.register(user=clinician, sessions=[session], consent=True)
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REGISTRATION)
    # A worker claimed it and died: the row is in flight, unrendered, past the claim timeout.
    OutboundEmail.objects.filter(pk=row.pk).update(
        status=OutboundEmail.Status.IN_FLIGHT, attempts=1, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )

    def publish(ids):
        for pk in ids:
            deliver(outbound_id=pk)

    handed_out = sweeper.sweep(publish=publish)
    again = sweeper.sweep(publish=publish)

    assert (handed_out, again) == ([row.pk], [])
    assert [message["Subject"] for message in smtp_sink.received] == ["You are registered: Talking about dying"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 2)


def test_an_email_about_registrations_deleted_before_delivery_fails_with_the_reason_and_sends_nothing(
    clinician, session, smtp_sink
):
    with mock.patch("notifications.tasks.publish_deliveries"):
        services.register(user=clinician, sessions=[session], consent=True)
    row = OutboundEmail.objects.get(kind=OutboundEmail.Kind.REGISTRATION)
    session.registrations.all().delete()

    assert deliver(outbound_id=row.pk).outcome is Outcome.FAILED

    assert smtp_sink.received == []
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert "found nothing to send" in row.last_error


def test_make_run_without_a_worker_writes_the_rendered_email_to_the_mail_folder(
    clinician, session, settings, tmp_path, django_capture_on_commit_callbacks
):
    # `make run`: no broker, tasks in-process, the file backend writing to var/mail.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")

    with django_capture_on_commit_callbacks(execute=True):
        services.register(user=clinician, sessions=[session], consent=True)

    [written] = list((tmp_path / "mail").iterdir())
    content = written.read_text()
    assert "Subject: You are registered: Talking about dying" in content
    assert "echo-sessions.ics" in content
    assert OutboundEmail.objects.get(kind=OutboundEmail.Kind.REGISTRATION).status == OutboundEmail.Status.SENT
