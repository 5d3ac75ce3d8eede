from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from core import personal_data

        from . import signals  # noqa: F401  (connects the receivers)
        from .personal_data import PROVIDER
        from .user_cache import connect as keep_users_in_cache

        personal_data.register(PROVIDER)
        keep_users_in_cache()
