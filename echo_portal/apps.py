from django.apps import AppConfig


class EchoPortalConfig(AppConfig):
    """Configuration and site-wide commands (seed_demo); no models, no rules."""

    name = "echo_portal"
    verbose_name = "ECHO Portal"
