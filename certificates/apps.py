from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates and statements of attendance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import personal_data

        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
