"""Thin Celery wrappers around the outbox services. Arguments are ids; the rows hold the state."""

from celery import shared_task

from . import services

# Safe to run twice: a row is claimed with a conditional UPDATE before it is sent, so a redelivered or duplicated
# message finds the row taken and does nothing. That is what makes acks_late and reject_on_worker_lost safe here.
_AT_LEAST_ONCE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(bind=True, max_retries=12, **_AT_LEAST_ONCE)
def deliver_email(self, outbound_id: int) -> str:
    delivery = services.deliver(outbound_id=outbound_id)
    if delivery.outcome is services.Outcome.NOT_CLAIMED:
        # Another worker holds the row. If that worker died, its claim expires: look again then (minutes, not days).
        held = services.held_for(outbound_id=outbound_id)
        if held is not None and not self.request.is_eager:
            raise self.retry(countdown=held + 1)
    elif delivery.outcome is services.Outcome.RETRY and not self.request.is_eager:
        # In-process (no broker) there is nobody to wake a countdown: the row waits, queued, for the sweeper.
        raise self.retry(countdown=delivery.retry_in)
    return delivery.outcome.value


@shared_task(**_AT_LEAST_ONCE)
def deliver_batch(outbound_ids: list[int]) -> dict[str, int]:
    counts = services.deliver_many(outbound_ids=outbound_ids)
    return {outcome.value: count for outcome, count in counts.items()}


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return len(services.sweep())
