"""Celery beat's work, done here: `make run` has no beat, so reminders, recording follow-ups and the rest wait.

Each task of CELERY_BEAT_SCHEDULE is run once in this process, in the order the schedule lists them, and what it
returned is printed; `--every SECONDS` goes on doing so until interrupted, as beat would. The tasks are idempotent
(their outbox keys and claims), so running this beside a real beat sends nothing twice.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from echo_portal.celery import app


class Command(BaseCommand):
    help = (
        "Run every periodic task of the Celery beat schedule once, in this process (for make run, which has no beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Run them again after this many seconds, until stopped.",
        )

    def handle(self, *args, every: float = 0, **options):
        app.loader.import_default_modules()
        while True:
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
                result = app.tasks[entry["task"]].apply(throw=True)
                self.stdout.write(f"{name}: {result.result}")
            if not every:
                return
            time.sleep(every)
