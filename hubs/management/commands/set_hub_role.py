from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubs import roles
from hubs.models import Hub, HubMembership


class Command(BaseCommand):
    help = (
        "Give someone a role in a hub (manager by default), or take it away with --remove. "
        "A manager gets the hub's portal and its scoped admin; losing the role takes both away."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address (their account must exist)")
        parser.add_argument("hub", help="The hub's slug, as in /hubs/<slug>/")
        parser.add_argument("--role", choices=HubMembership.Role.values, default=HubMembership.Role.MANAGER)
        parser.add_argument("--remove", action="store_true", help="Take the person's role in this hub away")

    def handle(self, *args, email, hub, role, remove, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        found = Hub.objects.filter(slug=hub.strip()).first()
        if found is None:
            raise CommandError(f"No hub has the slug {hub}.")
        if remove:
            if not roles.remove_hub_role(hub=found, user=user):
                raise CommandError(f"{user.email} has no role in {found.name}.")
            self.stdout.write(self.style.SUCCESS(f"{user.email} no longer has a role in {found.name}."))
            return
        try:
            roles.set_hub_role(hub=found, user=user, role=role)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.refresh_from_db(fields=["is_staff"])
        admin = "with the hub's scoped admin" if user.is_staff and role == HubMembership.Role.MANAGER else ""
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now {role} of {found.name} {admin}".rstrip() + "."))
