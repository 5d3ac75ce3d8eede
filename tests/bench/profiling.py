"""What the in-process profilers (profile_page.py, profile_register.py) share: Django set up against the bench's
database, as gunicorn serves it in `make bench` but with a local cache and no broker unless told otherwise."""

import os


def setup_django() -> None:
    """Production settings with the bench's bare view, DEBUG off, against `make bench`'s database
    (tests/bench/run.py's database_url(), or BENCH_DATABASE_URL); PROFILE_CACHE_URL and PROFILE_BROKER_URL
    choose the cache and the broker (a local-memory cache and an in-memory broker by default)."""
    from tests.bench.run import database_url

    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.bench.settings",
        DEBUG="off",
        SECRET_KEY="profile-only-" + "x" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="off",
        DATABASE_URL=database_url(),
        CACHE_URL=os.environ.get("PROFILE_CACHE_URL", "locmemcache://bench-profile"),
        CELERY_BROKER_URL=os.environ.get("PROFILE_BROKER_URL", "memory://"),
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
