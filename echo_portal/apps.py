from django.apps import AppConfig


class EchoPortalConfig(AppConfig):
    name = "echo_portal"
    verbose_name = "ECHO Portal"

    def ready(self):
        # Every process that changes the programme (web, worker, management commands) drops cached public pages.
        from . import page_cache  # noqa: F401
