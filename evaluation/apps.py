from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from core import personal_data

        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
