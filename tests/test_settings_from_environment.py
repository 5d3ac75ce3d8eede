"""Settings are read from the environment: each service by URL, production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db_engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": settings.DATABASES["default"]["NAME"],
    "db_host": settings.DATABASES["default"].get("HOST"),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": str(settings.CACHES["default"].get("LOCATION")),
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "email_port": settings.EMAIL_PORT,
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
    "site_url": settings.SITE_URL,
    "email_file_path": getattr(settings, "EMAIL_FILE_PATH", None),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
}))
"""


def _settings(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CACHE_URL",
            "EMAIL_URL",
            "CELERY_BROKER_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SITE_URL",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="echo_portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    return result


def test_defaults_work_with_nothing_set():
    import json

    result = _settings()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("var/db.sqlite3")
    assert values["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["eager"] is True and values["broker"] == ""
    assert values["debug"] is True
    # The files land in the project's var/mail/, not in a folder named after its path.
    assert values["email_file_path"] == str(ROOT / "var" / "mail")
    # SQLite never answers a second writer with "database is locked": WAL, a busy timeout, IMMEDIATE transactions.
    assert values["db_options"]["transaction_mode"] == "IMMEDIATE"
    assert values["db_options"]["timeout"] >= 5
    assert "journal_mode=WAL" in values["db_options"]["init_command"]


def test_a_file_mail_url_keeps_its_absolute_path_and_a_relative_one_is_under_the_project(tmp_path):
    import json

    absolute = json.loads(_settings(EMAIL_URL=f"filemail://{tmp_path}/mail").stdout.strip().splitlines()[-1])
    relative = json.loads(_settings(EMAIL_URL="filemail://var/outgoing").stdout.strip().splitlines()[-1])

    assert absolute["email_file_path"] == f"{tmp_path}/mail"
    assert relative["email_file_path"] == str(ROOT / "var" / "outgoing")


def test_make_run_links_follow_its_port_unless_site_url_is_set(tmp_path):
    """`make run PORT=8123` serves on 8123, so the links its emails carry say 8123 too."""
    fake_python = tmp_path / "python"
    fake_python.write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL $*"\n')
    fake_python.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT", "MAKEFLAGS"}}

    def run(*args):
        result = subprocess.run(
            ["make", "-s", "run", f"PY={fake_python}", *args], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    served = run("PORT=8123")
    assert "SITE_URL=http://127.0.0.1:8123 manage.py runserver 127.0.0.1:8123" in served
    assert "SITE_URL=http://127.0.0.1:8123 manage.py seed_demo --if-empty --print-logins" in served
    env["SITE_URL"] = "https://echo.example.org"
    assert "SITE_URL=https://echo.example.org manage.py runserver 127.0.0.1:8123" in run("PORT=8123")


def test_each_service_comes_from_a_url():
    import json

    result = _settings(
        DATABASE_URL="postgres://echo:secret@db.internal:5433/echo",
        CACHE_URL="redis://cache.internal:6379/1",
        EMAIL_URL="smtp://mail.internal:1025",
        CELERY_BROKER_URL="redis://broker.internal:6379/0",
        SITE_URL="https://echo.example.org/",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["db_engine"] == "django.db.backends.postgresql"
    assert (values["db_name"], values["db_host"]) == ("echo", "db.internal")
    assert "redis" in values["cache"].lower() and "cache.internal" in values["cache_location"]
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("mail.internal", 1025)
    assert values["broker"] == "redis://broker.internal:6379/0" and values["eager"] is False
    assert values["site_url"] == "https://echo.example.org"


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings(DEBUG="off")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
