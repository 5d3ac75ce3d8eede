"""Thin Celery wrappers around delivery and the sweeper, and the one place rows are handed to the workers.

Arguments are ids; the rows hold the state.
"""

import logging
from collections.abc import Sequence

from celery import shared_task

from . import delivery, sweeper

logger = logging.getLogger(__name__)

# How many ids one delivery task of a fan-out carries: one SMTP connection is reused for all of them, and the
# batch's reads, claim and stencils are paid once for all of them. A fan-out writes its rows a thousand per
# transaction (recordings, mailings; reminders five hundred): four or two tasks for a worker's processes.
BATCH_SIZE = 250

# Safe to run twice: a row is claimed with a conditional UPDATE before it is sent, so a redelivered or duplicated
# message finds the row taken and does nothing. That is what makes acks_late and reject_on_worker_lost safe here.
_AT_LEAST_ONCE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(bind=True, max_retries=12, **_AT_LEAST_ONCE)
def deliver_email(self, outbound_id: int) -> str:
    result = delivery.deliver(outbound_id=outbound_id)
    if result.outcome is delivery.Outcome.NOT_CLAIMED:
        # Another worker holds the row. If that worker died, its claim expires: look again then (minutes, not days).
        held = delivery.held_for(outbound_id=outbound_id)
        if held is not None and not self.request.is_eager:
            raise self.retry(countdown=held + 1)
    elif result.outcome is delivery.Outcome.RETRY and not self.request.is_eager:
        # In-process (no broker) there is nobody to wake a countdown: the row waits, queued, for the sweeper.
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@shared_task(**_AT_LEAST_ONCE)
def deliver_batch(outbound_ids: list[int]) -> dict[str, int]:
    counts = delivery.deliver_many(outbound_ids=outbound_ids)
    return {outcome.value: count for outcome, count in counts.items()}


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return len(sweeper.sweep(publish=publish_deliveries))


def publish_deliveries(outbound_ids: Sequence[int]) -> None:
    """Hand rows to the workers. Never raises: a row the broker did not take is found by the sweeper."""
    ids = list(outbound_ids)
    if not ids:
        return
    try:
        if len(ids) == 1:
            deliver_email.apply_async((ids[0],))
        else:
            for start in range(0, len(ids), BATCH_SIZE):
                deliver_batch.apply_async((ids[start : start + BATCH_SIZE],))
    except Exception:
        # The rows are committed: the sweeper enqueues them again once the broker answers. The user must not
        # see an error for a registration that succeeded.
        logger.warning("Could not publish %d outbox deliveries; the sweeper will retry", len(ids), exc_info=True)
