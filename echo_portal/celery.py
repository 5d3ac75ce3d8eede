import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "echo_portal.settings")

app = Celery("echo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def load_url_configuration(**_kwargs) -> None:
    """Import the URL configuration in the worker's main process, before its pool forks.

    Every email links to pages (`reverse()`); left to the pool's processes, each imports the whole URL
    configuration on its first task, about a second of CPU apiece, all at the start of a fan-out.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - evaluated for its import
