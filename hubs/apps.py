from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = _("Hub partners")

    def ready(self):
        from core.page_cache import invalidate_on_change

        from . import role_cache, signals  # noqa: F401  (connect their receivers)
        from .models import Hub, HubMembership, Spoke, SpokeInvitation, SpokeMembership

        # Public pages show these rows: any change drops the cached copies.
        invalidate_on_change(Hub, HubMembership, Spoke, SpokeMembership, SpokeInvitation)

        from core import personal_data

        from .personal_data import PROVIDER

        personal_data.register(PROVIDER)
