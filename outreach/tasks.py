"""Thin Celery wrappers around the outreach services."""

from celery import shared_task

from . import subscriptions


@shared_task(ignore_result=True)
def purge_unconfirmed_subscribers() -> int:
    return subscriptions.purge_unconfirmed()
