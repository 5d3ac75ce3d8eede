from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Case presentations")

    def ready(self):
        from core import personal_data

        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
