from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubs.services import grant_hub_manager_admin


class Command(BaseCommand):
    help = "Let a hub manager into Django admin, restricted to their own hubs' series, sessions, keys and resources."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The hub manager's email address")

    def handle(self, *args, email, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        try:
            grant_hub_manager_admin(user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{user.email} can now sign in to admin as a hub manager."))
