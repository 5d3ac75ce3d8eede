"""Thin Celery wrappers around accounts.privacy: the data export build, deletions due, retention."""

import logging

from celery import shared_task

from . import privacy

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def build_data_export(export_id: int) -> None:
    privacy.build_export(export_id=export_id)


@shared_task(ignore_result=True)
def purge_personal_data() -> dict:
    """Daily: deletions whose grace period ended, unverified accounts, expired exports, an old access log."""
    removed = privacy.purge_expired()
    logger.info("personal data retention: %s", removed)
    return removed
