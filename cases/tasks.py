"""Periodic work on cases (Celery beat): thin wrappers around the services."""

from celery import shared_task

from . import services


@shared_task
def purge_case_bodies() -> int:
    return services.purge_expired()
