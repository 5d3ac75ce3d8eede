"""The sweeper: what an after-commit task missed (broker or worker down) goes out later, once."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.sweeper import claim_due, release_abandoned
from notifications.tasks import sweep_outbox
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    outbox_templates_fixture,
    queue_hello,
    smtp_sink_fixture,
)

pytestmark = pytest.mark.usefixtures("outbox_templates")


def sweep(**options):
    """The sweeper as the periodic task runs it, publishing through whatever `tasks.hand_out` is now."""
    from notifications import sweeper, tasks

    return sweeper.sweep(publish=tasks.hand_out, **options)


def _lost(key: str, *, minutes_ago: float = 2, **kwargs) -> OutboundEmail:
    """A row whose after-commit task never reached a worker."""
    with mock.patch("notifications.tasks.publish_deliveries"):
        row = queue_hello(key, **kwargs)
    written = timezone.now() - timedelta(minutes=minutes_ago)
    OutboundEmail.objects.filter(pk=row.pk).update(created_at=written, next_attempt_at=written + timedelta(minutes=1))
    return row


@pytest.mark.django_db
def test_rows_waiting_more_than_a_minute_are_sent_and_younger_ones_left_to_their_task():
    overdue = _lost("confirm:1", minutes_ago=2)
    fresh = _lost("confirm:2", minutes_ago=0.5)

    assert sweep_outbox.apply().get() == 1

    assert [message.extra_headers["X-Echo-Idempotency-Key"] for message in mail.outbox] == ["confirm:1"]
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert (overdue.status, fresh.status) == ("sent", "queued")


@pytest.mark.django_db
def test_a_row_handed_out_is_not_handed_out_again_by_the_next_sweep():
    _lost("confirm:1")

    with mock.patch("notifications.tasks.hand_out") as publish:
        first, second = sweep(), sweep()

    assert len(first) == 1
    assert second == []
    assert publish.call_count == 2
    assert publish.call_args_list[1].args == ([],)


@pytest.mark.django_db
def test_a_row_waiting_out_its_retry_backoff_is_not_swept_early():
    row = _lost("confirm:1")
    OutboundEmail.objects.filter(pk=row.pk).update(attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=3))

    assert claim_due() == []


@pytest.mark.django_db
def test_rows_in_flight_too_long_are_released_and_sent_and_live_ones_are_left_alone():
    abandoned = _lost("confirm:1")
    live = _lost("confirm:2")
    now = timezone.now()
    OutboundEmail.objects.filter(pk=abandoned.pk).update(
        status="in_flight", attempts=1, claimed_at=now - timedelta(minutes=6)
    )
    OutboundEmail.objects.filter(pk=live.pk).update(
        status="in_flight", attempts=1, claimed_at=now - timedelta(minutes=1)
    )

    sweep()

    abandoned.refresh_from_db()
    live.refresh_from_db()
    assert (abandoned.status, abandoned.attempts) == ("sent", 2)
    assert live.status == "in_flight"
    assert [message.extra_headers["X-Echo-Idempotency-Key"] for message in mail.outbox] == ["confirm:1"]


@pytest.mark.django_db
def test_release_touches_only_abandoned_rows(django_assert_num_queries):
    _lost("confirm:1")
    # 1. UPDATE … SET status='queued' WHERE status='in_flight' AND claimed_at < now - timeout
    with django_assert_num_queries(1):
        assert release_abandoned() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_hand_out_disjoint_rows_and_each_email_is_sent_once(smtp_sink):
    from django.db import connection

    rows = [_lost(f"confirm:{n}") for n in range(60)]
    barrier = threading.Barrier(2)
    handed_out: list[list[int]] = []
    errors = []

    def sweeper() -> None:
        try:
            barrier.wait(timeout=10)
            handed_out.append(sweep(limit=1000))
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    first, second = handed_out
    assert set(first).isdisjoint(second)
    assert sorted(first + second) == sorted(row.pk for row in rows)
    keys = smtp_sink.keys()
    assert sorted(keys) == sorted(f"confirm:{n}" for n in range(60))
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_backlog_larger_than_one_round_drains_in_one_sweep():
    rows = [_lost(f"recording:1:{n}") for n in range(25)]

    with mock.patch("notifications.tasks.hand_out") as publish:
        handed_out = sweep(limit=10)

    assert sorted(handed_out) == sorted(row.pk for row in rows)
    # Three rounds of at most ten; each round's rows are published as soon as they are claimed.
    assert [len(call.args[0]) for call in publish.call_args_list] == [10, 10, 5]
