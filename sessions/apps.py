from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SessionsConfig(AppConfig):
    name = "sessions"
    label = "echo_sessions"  # django.contrib.sessions owns the label "sessions"
    # With a context: allauth's catalogue (before ours) translates a plain "Sessions" as « Sessions ».
    verbose_name = pgettext_lazy("ECHO sessions", "Sessions")

    def ready(self):
        from core.page_cache import invalidate_on_change

        from .models import Presenter, Resource, Session

        # Public pages show these rows: any change drops the cached copies.
        invalidate_on_change(Presenter, Session, Resource)
