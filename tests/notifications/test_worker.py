"""A real Celery worker on Redis delivers the outbox to a real SMTP server on loopback."""

from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from echo_portal.celery import app
from notifications.models import OutboundEmail
from notifications.outbox import EmailToQueue, queue_bulk
from notifications.tasks import sweep_outbox
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    celery_queue_fixture,
    outbox_templates_fixture,
    queue_hello,
    smtp_sink_fixture,
    wait_until,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("outbox_templates"),
]


@pytest.fixture
def worker(celery_queue):
    """A worker thread consuming this test's own queue on the Redis broker."""
    with start_worker(
        app,
        pool="solo",
        perform_ping_check=False,
        queues=[celery_queue],
        loglevel="WARNING",
        shutdown_timeout=30,
    ) as running:
        yield running


def _statuses() -> set[str]:
    return set(OutboundEmail.objects.values_list("status", flat=True))


def test_an_email_queued_in_a_transaction_is_delivered_by_the_worker_after_commit(worker, smtp_sink):
    with transaction.atomic():
        row = queue_hello("confirm:1", language="fr")

    wait_until(lambda: smtp_sink.received, message="the email at the SMTP server")

    assert smtp_sink.keys() == ["confirm:1"]
    wait_until(lambda: OutboundEmail.objects.filter(pk=row.pk, status="sent").exists(), message="the row marked sent")


def test_a_temporary_refusal_is_retried_by_the_worker_after_its_backoff(worker, smtp_sink, settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 0.2
    smtp_sink.replies = ["451 4.7.1 Greylisted, try again shortly"]

    with transaction.atomic():
        row = queue_hello("confirm:1")

    wait_until(lambda: OutboundEmail.objects.filter(pk=row.pk, status="sent").exists(), message="the retry to succeed")
    row.refresh_from_db()
    assert row.attempts == 2
    assert smtp_sink.keys() == ["confirm:1"]


def test_a_fan_out_is_delivered_in_batches_with_one_connection_each(worker, smtp_sink):
    with transaction.atomic():
        queue_bulk(
            messages=[
                EmailToQueue(
                    to=f"learner{n}@example.org",
                    language="en",
                    kind="recording",
                    idempotency_key=f"recording:7:{n}",
                    template="testmail/hello",
                    context={"name": f"Learner {n}"},
                )
                for n in range(300)
            ]
        )

    wait_until(lambda: len(smtp_sink.received) >= 300, timeout=30, message="300 emails")
    wait_until(lambda: _statuses() == {"sent"}, message="every row marked sent")
    assert sorted(smtp_sink.keys()) == sorted(f"recording:7:{n}" for n in range(300))
    # Batches of 250 (tasks.BATCH_SIZE): two tasks, two SMTP connections.
    assert len(set(smtp_sink.peers)) == 2


def test_the_sweep_runs_on_the_worker_and_sends_what_was_missed(worker, smtp_sink, settings):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0
    with mock.patch("notifications.tasks.publish_deliveries"):
        queue_hello("confirm:1")
    assert smtp_sink.received == []

    sweep_outbox.delay()

    wait_until(lambda: smtp_sink.received, message="the swept email")
    assert smtp_sink.keys() == ["confirm:1"]
