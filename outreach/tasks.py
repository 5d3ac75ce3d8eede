"""Thin Celery wrappers around the outreach services."""

from celery import shared_task

from . import mailings, subscriptions


@shared_task(ignore_result=True)
def purge_unconfirmed_subscribers() -> int:
    return subscriptions.purge_unconfirmed()


# Safe to run twice: each email's idempotency key is mailing and subscriber, so a redelivered task queues nobody twice.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def fan_out_mailing(mailing_id: int) -> int:
    return mailings.fan_out(mailing_id=mailing_id)
