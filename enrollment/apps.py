from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment and registration")

    def ready(self):
        # Connects the session_changed receiver that queues calendar updates to registrants.
        from core import personal_data
        from core.page_cache import invalidate_seats_on_change

        from . import emails, receivers  # noqa: F401
        from .models import Enrollment, Registration
        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
        # "Full" badges and places left, shown in fragments shared by every learner, move with these rows.
        invalidate_seats_on_change(Enrollment, Registration)
        # The confirmation, waitlist and cancellation emails are rendered when delivered, by these functions.
        emails.register_renderers()
