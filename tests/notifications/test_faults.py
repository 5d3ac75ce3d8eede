"""Faults: Redis stopped during a signup, a worker killed in the middle of sending.

Delivery is at least once. A row is lost by nothing: not a broker outage (the sweeper re-enqueues it), not a
dead worker (its claim expires and the redelivered task, or the sweeper, sends it). It can be sent twice in one
window only: the SMTP server took the message and the worker died before marking the row sent. The Message-ID
is derived from the idempotency key, so a mail system that de-duplicates shows one copy.
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.urls import reverse

from echo_portal.celery import app
from notifications.models import OutboundEmail
from notifications.tasks import sweep_outbox
from tests import factories
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    broker_url,
    celery_queue_fixture,
    database_url_of_test_db,
    outbox_templates_fixture,
    own_queue,
    private_redis_fixture,
    queue_hello,
    smtp_sink_fixture,
    wait_until,
    worker_env,
    worker_processes_fixture,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("outbox_templates")]

SIGNUP = factories.signup_form(preferred_language="fr")


def test_a_signup_while_redis_is_stopped_succeeds_at_once_and_its_email_goes_out_once_redis_is_back(
    client, private_redis, smtp_sink, settings
):
    settings.OUTBOX_SWEEP_AFTER_SECONDS = 0  # production waits a minute before sweeping; the test need not
    with own_queue(private_redis.url) as queue:
        # The web process has talked to Redis before (a pooled connection exists), then Redis goes away.
        sweep_outbox.apply_async(queue=queue)
        private_redis.stop()

        started = time.monotonic()
        response = client.post(reverse("account_signup"), SIGNUP)
        elapsed = time.monotonic() - started

        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        # A bound against hanging on the broker (retries, timeouts), not a speed test: generous for a loaded machine.
        assert elapsed < 10, f"the signup took {elapsed:.1f} s with Redis down"
        row = OutboundEmail.objects.get(recipient="nadia.roy@example.org")
        assert row.status == "queued"

        private_redis.start()
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30):
            # Beat's next tick, twice: the second finds nothing more to do.
            sweep_outbox.apply_async(queue=queue)
            wait_until(lambda: smtp_sink.received, message="the verification email")
            wait_until(lambda: OutboundEmail.objects.filter(pk=row.pk, status="sent").exists(), message="sent")
            sweep_outbox.apply_async(queue=queue)
            time.sleep(0.5)

    assert smtp_sink.keys() == [row.idempotency_key]
    [message] = smtp_sink.received
    assert message["To"] == "nadia.roy@example.org"
    assert "/accounts/confirm-email/" in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_killed_while_the_smtp_server_holds_its_reply_is_redelivered_and_the_email_arrives(
    celery_queue, smtp_sink, worker_processes
):
    env = worker_env(
        database_url=database_url_of_test_db(),
        broker=broker_url(),
        queue=celery_queue,
        smtp_port=smtp_sink.port,
        # Short clocks so the test takes seconds: Redis hands an unacknowledged task out again after 1 s, and a
        # claim is presumed dead after 2 s (production: an hour and five minutes; the sweeper covers the gap).
        CELERY_VISIBILITY_TIMEOUT="1",
        OUTBOX_CLAIM_TIMEOUT_SECONDS="2",
    )
    first = worker_processes(env, queue=celery_queue)
    smtp_sink.hold_next = True

    with transaction.atomic():
        row = queue_hello("confirm:killed")

    assert smtp_sink.holding.wait(timeout=20), "the worker never reached DATA"
    first.kill()  # SIGKILL to the whole worker, parent and pool child
    smtp_sink.release.set()
    row.refresh_from_db()
    assert row.status == "in_flight"

    # Redis hands the unacknowledged task out again once it is older than the visibility timeout, checked when a
    # worker starts polling (then about every 100 s): restart the worker after that second has passed.
    time.sleep(1.5)
    worker_processes(env, queue=celery_queue)  # the restarted worker

    wait_until(lambda: OutboundEmail.objects.filter(pk=row.pk, status="sent").exists(), timeout=30, message="sent")
    row.refresh_from_db()
    assert row.attempts == 2
    # At least once: the server had taken the first copy when its worker died, so it has this one twice.
    assert smtp_sink.keys() == ["confirm:killed", "confirm:killed"]
    first_copy, second_copy = smtp_sink.received
    assert first_copy["Message-ID"] == second_copy["Message-ID"]
