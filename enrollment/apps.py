from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment and registration")

    def ready(self):
        # Connects the session_changed receiver that queues calendar updates to registrants.
        from core import personal_data

        from . import receivers  # noqa: F401
        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
