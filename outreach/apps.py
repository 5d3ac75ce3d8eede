from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Partners and mailing list")

    def ready(self):
        from core import personal_data

        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
