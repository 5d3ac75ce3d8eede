from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every app uses and that knows no domain: formatting, the public page cache, rate limits, CSV."""

    name = "core"
    verbose_name = "Core"
