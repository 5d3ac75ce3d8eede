"""Shared fixtures: personas, and the real services some behaviour depends on.

Tests marked `postgres` or `redis` need those services. On a laptop without
them they skip with the reason; in CI (CI=true) a missing service fails the run.
"""

import os
import socket
from urllib.parse import urlparse

import pytest

from tests import factories

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REDIS_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")


def _reachable(url: str) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI must provide it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            _missing("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("redis") and not _reachable(REDIS_URL):
        _missing("needs Redis: set CELERY_BROKER_URL=redis://…")


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Hashing a password the production way costs ~0.5 s; tests make hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process, as under `make run`, even where CI sets CELERY_BROKER_URL: a test that publishes to a
    broker no worker reads would lose its email. Tests marked `worker` drive a real worker and opt out."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    from echo_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _no_stencils_checked_yet():
    """Each test starts with none of the stencils and wire templates checked by a test before it (a fan-out's
    later batches skip the checks: tests count them)."""
    from notifications import deferred, wire

    deferred._checked.clear()
    wire._templates.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request in French leaves French active in this thread
    (the middleware activates a language and nothing resets it), which would leak into the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_cache(settings, request):
    """Each test gets its own empty local-memory cache, so rate limits never leak between tests, and no public
    page this process kept from an earlier test."""
    from core.page_cache import forget_recent_pages

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }
    forget_recent_pages()


@pytest.fixture
def page_cache_on(settings):
    """The public page cache and the shared fragments on for 30 s, as production runs them, whatever
    PUBLIC_PAGE_CACHE_SECONDS the environment sets."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30


@pytest.fixture
def enable_cache(settings):
    """The cache rate limits count in, emptied (alias kept for allauth-style tests)."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


class _Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def ratelimit_clock(monkeypatch):
    """The rate limiter's clock, frozen at the real time and moved by `advance(seconds)`: no waiting for a window."""
    import time

    from core import ratelimit

    frozen = _Clock(time.time())
    monkeypatch.setattr(ratelimit, "clock", frozen)
    return frozen


@pytest.fixture
def redis_cache(settings, request):
    """The real shared Redis cache (as production has), under a key prefix of this test's own."""
    url = os.environ.get("CACHE_URL", "")
    if not url.startswith("redis") or not _reachable(url):
        _missing("needs Redis as CACHE_URL=redis://…")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test:{os.getpid()}:{request.node.nodeid}",
        }
    }
    from django.core.cache import cache

    yield cache


@pytest.fixture
def password():
    return "correct horse battery"


@pytest.fixture
def clinician(db):
    return factories.UserFactory(email="alice@example.org", first_name="Alice", last_name="Tremblay")


@pytest.fixture
def outsider(db):
    return factories.UserFactory(email="charlie@example.org", first_name="Charlie", last_name="Nobody")


@pytest.fixture
def staff(db):
    return factories.UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def hub(db):
    return factories.HubFactory(name="Northern Lakes Palliative Hub (demo)", slug="northern-lakes")


@pytest.fixture
def other_hub(db):
    return factories.HubFactory(name="Prairie Coast Hub (demo)", slug="prairie-coast")


@pytest.fixture
def hub_manager(db, hub):
    user = factories.UserFactory(email="bob@example.org", first_name="Bob", last_name="Manager")
    factories.HubMembershipFactory(hub=hub, user=user, role="manager")
    return user


@pytest.fixture
def other_hub_manager(db, other_hub):
    user = factories.UserFactory(email="dana@example.org", first_name="Dana", last_name="Other")
    factories.HubMembershipFactory(hub=other_hub, user=user, role="manager")
    return user


@pytest.fixture(scope="session", autouse=True)
def _no_stray_database_sessions(django_db_setup, django_db_blocker):
    """Threads of in-process Celery workers and SMTP sinks may still hold a connection at the end of the
    run; PostgreSQL then refuses to drop the test database. End them before pytest-django drops it."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
