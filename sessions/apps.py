from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    label = "echo_sessions"  # django.contrib.sessions owns the label "sessions"
    verbose_name = _("Sessions")

    def ready(self):
        from core.page_cache import invalidate_on_change

        from .models import Presenter, Resource, Session

        # Public pages show these rows: any change drops the cached copies.
        invalidate_on_change(Presenter, Session, Resource)
