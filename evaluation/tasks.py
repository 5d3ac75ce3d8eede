"""Periodic work on evaluations (Celery beat): thin wrappers around evaluation.requests."""

from celery import shared_task

from . import requests


@shared_task
def queue_evaluation_requests() -> int:
    return requests.queue_evaluation_requests()


@shared_task
def queue_evaluation_reminders() -> int:
    return requests.queue_evaluation_reminders()
