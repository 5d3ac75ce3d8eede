"""Periodic work on registrations (Celery beat): thin wrappers around the functions that decide who is due."""

from celery import shared_task

from . import recordings, reminders


@shared_task
def queue_due_reminders() -> dict[str, int]:
    return reminders.queue_due_reminders()


@shared_task
def queue_recording_followups() -> int:
    return recordings.queue_recording_followups()
