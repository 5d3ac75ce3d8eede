"""Thin Celery wrappers around delivery, the drain and the sweeper, and the one place rows are handed to the workers.

Arguments are ids; the rows hold the state.
"""

import logging
from collections.abc import Sequence

from celery import shared_task

from . import delivery, kick, sweeper

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


@shared_task(**_AT_LEAST_ONCE)
def drain_outbox() -> dict[str, int]:
    counts = kick.drain(batch_size=BATCH_SIZE)
    return {outcome.value: count for outcome, count in counts.items()}


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    # Swept rows are published as they are, never through the kick: a flag left up by a lost drain message must
    # not swallow the sweep's publish too.
    return len(sweeper.sweep(publish=hand_out))


def publish_deliveries(outbound_ids: Sequence[int]) -> None:
    """Hand rows just written to the workers, after commit. Never raises: the rows are committed, and a row no
    task reaches is found by the sweeper.

    One row wakes a drain (`notifications.kick`): of the rows written while no drain has yet taken the flag down,
    only the first publishes, the others cost a `cache.add`. Many rows at once (a fan-out) are published in
    batches (`hand_out`). So is a row whose cache errors, and every row when the cache is this process's memory
    while workers elsewhere run the drains (they would never take this process's flag down). Without a broker
    (`make run`) the drain runs at once, in this process, and takes the flag down before the request is answered.
    """
    ids = list(outbound_ids)
    if len(ids) == 1 and (drain_outbox.app.conf.task_always_eager or kick.flag_seen_by_other_processes()):
        try:
            raised = kick.raise_flag()
        except Exception:
            logger.warning("The cache did not answer; outbox row %s is published alone", ids[0], exc_info=True)
        else:
            if raised:
                _wake_a_drain()
            return
    hand_out(ids)


def _wake_a_drain() -> None:
    try:
        drain_outbox.apply_async()
    except Exception:
        logger.warning("Could not publish an outbox drain; the sweeper will retry", exc_info=True)
        try:
            # The next row written tries to publish a drain again, as each row tried its own before.
            kick.lower_flag()
        except Exception:  # the flag expires by itself; the rows waiting for it are swept
            logger.debug("Could not take the outbox drain flag down either", exc_info=True)


def hand_out(outbound_ids: Sequence[int]) -> None:
    """Publish a delivery task per row, or per batch of `BATCH_SIZE` for many. Never raises: a row the broker did
    not take is found by the sweeper."""
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
