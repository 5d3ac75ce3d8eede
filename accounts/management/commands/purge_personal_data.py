"""Run the personal-data retention job now and print what it removed (the same job runs daily)."""

from django.core.management.base import BaseCommand

from accounts import privacy


class Command(BaseCommand):
    help = "Delete accounts past their grace period, unverified accounts, expired data exports and old access logs."

    def handle(self, *args, **options):
        for kind, count in privacy.purge_expired().items():
            self.stdout.write(f"{kind}: {count} removed")
