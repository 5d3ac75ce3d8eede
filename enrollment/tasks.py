"""Periodic work on registrations (Celery beat): thin wrappers around the functions that decide who is due."""

from celery import shared_task

from . import join_notices, recordings, reminders


@shared_task
def queue_due_reminders() -> dict[str, int]:
    return reminders.queue_due_reminders()


@shared_task
def queue_recording_followups() -> int:
    return recordings.queue_recording_followups()


@shared_task
def queue_join_request_notices() -> int:
    return join_notices.queue_join_request_notices()
