"""Delivery to a real SMTP server on loopback: claimed once, retried on temporary errors, failures recorded."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from notifications import delivery
from notifications.delivery import Outcome, claim, deliver, deliver_many
from notifications.models import OutboundEmail
from notifications.policy import retry_delay
from notifications.tasks import deliver_email
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    free_port,
    outbox_templates_fixture,
    queue_hello,
    smtp_sink_fixture,
)

pytestmark = pytest.mark.usefixtures("outbox_templates")


def _queued(key="confirm:1", **kwargs) -> OutboundEmail:
    # Nothing is published after commit: the test decides when delivery runs.
    with mock.patch("notifications.tasks.publish_deliveries"):
        row = queue_hello(key, **kwargs)
    assert row is not None
    return row


@pytest.mark.django_db
def test_running_the_task_twice_sends_one_email(smtp_sink):
    row = _queued()

    assert deliver_email.apply(args=[row.pk]).get() == "sent"
    assert deliver_email.apply(args=[row.pk]).get() == "not_claimed"

    assert smtp_sink.keys() == ["confirm:1"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)


@pytest.mark.django_db
def test_the_message_on_the_wire_has_both_bodies_and_its_key(smtp_sink):
    row = _queued(language="fr")
    deliver(outbound_id=row.pk)

    [message] = smtp_sink.received
    assert message["To"] == "alice@example.org"
    assert message["X-Echo-Idempotency-Key"] == "confirm:1"
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Hello Alice")
    assert "<p>Hello Alice" in message.get_body(preferencelist=("html",)).get_content()


@pytest.mark.django_db
def test_a_temporary_refusal_puts_the_row_back_with_a_backoff_and_the_next_attempt_sends_it(smtp_sink):
    smtp_sink.replies = ["451 4.3.0 Mailbox temporarily unavailable"]
    row = _queued()

    first = deliver(outbound_id=row.pk)

    assert first.outcome is Outcome.RETRY
    assert 15 <= first.retry_in <= 30
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.QUEUED
    assert row.attempts == 1
    assert "451" in row.last_error
    # The sweeper leaves it to the retry task for the backoff plus a grace minute.
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=60)
    assert smtp_sink.received == []

    assert deliver(outbound_id=row.pk).outcome is Outcome.SENT
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboundEmail.Status.SENT, 2, "")
    assert smtp_sink.keys() == ["confirm:1"]


@pytest.mark.django_db
def test_a_permanent_refusal_is_recorded_with_its_reason_and_not_retried(smtp_sink):
    smtp_sink.replies = ["550 5.7.1 Message rejected as spam"]
    row = _queued()

    assert deliver(outbound_id=row.pk).outcome is Outcome.FAILED
    assert deliver(outbound_id=row.pk).outcome is Outcome.NOT_CLAIMED

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert "550" in row.last_error and "spam" in row.last_error
    assert smtp_sink.received == []


@pytest.mark.django_db
def test_an_unknown_mailbox_is_a_permanent_failure(smtp_sink):
    smtp_sink.refused_recipients["nobody@example.org"] = "550 5.1.1 No such user"
    row = _queued(to="nobody@example.org")

    assert deliver(outbound_id=row.pk).outcome is Outcome.FAILED

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert "No such user" in row.last_error


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_a_temporary_failure(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    row = _queued()

    assert deliver(outbound_id=row.pk).outcome is Outcome.RETRY

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.QUEUED
    assert "ConnectionRefusedError" in row.last_error


@pytest.mark.django_db
def test_after_the_last_attempt_a_temporary_failure_becomes_permanent(smtp_sink, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    smtp_sink.replies = ["421 4.4.2 Try later", "421 4.4.2 Try later"]
    row = _queued()

    assert deliver(outbound_id=row.pk).outcome is Outcome.RETRY
    assert deliver(outbound_id=row.pk).outcome is Outcome.FAILED

    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.FAILED, 2)
    assert "421" in row.last_error


def test_backoff_doubles_with_jitter_and_is_capped(settings):
    settings.OUTBOX_RETRY_BACKOFF_SECONDS = 30
    settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS = 600
    delays = [[retry_delay(attempts=n) for _ in range(200)] for n in (1, 2, 3, 10)]

    for attempt_delays, ceiling in zip(delays, (30, 60, 120, 600), strict=True):
        assert all(ceiling / 2 <= delay <= ceiling for delay in attempt_delays)
        # Jitter: workers that failed together do not all come back at the same instant.
        assert len({round(delay, 3) for delay in attempt_delays}) > 100


@pytest.mark.django_db
def test_a_fan_out_batch_uses_one_connection(smtp_sink):
    rows = [_queued(f"recording:1:{n}", to=f"learner{n}@example.org") for n in range(5)]

    counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert counts[Outcome.SENT] == 5
    assert len(smtp_sink.received) == 5
    assert len(set(smtp_sink.peers)) == 1


@pytest.mark.django_db
def test_a_batch_stops_when_the_connection_breaks_and_leaves_the_rest_queued(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    rows = [_queued(f"recording:1:{n}") for n in range(3)]

    counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert (counts[Outcome.RETRY], counts[Outcome.SENT]) == (1, 0)
    statuses = list(OutboundEmail.objects.order_by("pk").values_list("status", "attempts"))
    assert statuses == [("queued", 1), ("queued", 0), ("queued", 0)]


@pytest.mark.django_db
def test_a_claim_held_by_a_live_worker_is_respected_and_one_abandoned_is_taken_over(settings):
    row = _queued()
    assert claim(outbound_id=row.pk) is not None
    assert claim(outbound_id=row.pk) is None
    assert 290 < delivery.held_for(outbound_id=row.pk) <= 300

    # The worker holding it died six minutes ago.
    OutboundEmail.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))
    taken_over = claim(outbound_id=row.pk)

    assert taken_over is not None
    assert taken_over.attempts == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_on_postgresql_have_exactly_one_winner_per_row():
    from django.db import connection

    rows = [_queued(f"confirm:{n}") for n in range(20)]
    contenders = 6
    winners: dict[int, list[int]] = {row.pk: [] for row in rows}
    barrier = threading.Barrier(contenders)
    errors = []

    def contend(worker_number: int) -> None:
        try:
            for row in rows:
                barrier.wait(timeout=10)
                if claim(outbound_id=row.pk) is not None:
                    winners[row.pk].append(worker_number)
        except Exception as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert all(len(won) == 1 for won in winners.values()), winners
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_at_once_send_one_email(smtp_sink):
    from django.db import connection

    rows = [_queued(f"confirm:{n}") for n in range(10)]
    barrier = threading.Barrier(2)
    outcomes = []

    def worker() -> None:
        try:
            for row in rows:
                barrier.wait(timeout=10)
                outcomes.append(deliver(outbound_id=row.pk).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(smtp_sink.keys()) == sorted(f"confirm:{n}" for n in range(10))
    assert outcomes.count(Outcome.SENT) == 10
    assert outcomes.count(Outcome.NOT_CLAIMED) == 10


@pytest.mark.django_db
def test_delivering_one_email_takes_three_queries(smtp_sink, django_assert_num_queries):
    row = _queued()

    # 1. UPDATE … SET status='in_flight', attempts=attempts+1 WHERE id=… AND (status='queued' OR abandoned claim)
    # 2. SELECT the claimed row
    # 3. UPDATE … SET status='sent', sent_at=… WHERE id=…
    with django_assert_num_queries(3):
        assert deliver(outbound_id=row.pk).outcome is Outcome.SENT
