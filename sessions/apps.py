from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    name = "sessions"
    label = "echo_sessions"  # django.contrib.sessions owns the label "sessions"
    verbose_name = _("Sessions")
