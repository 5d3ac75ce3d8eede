"""Production settings refuse weak secrets and believe X-Forwarded-Proto only behind a proxy that sets it.

Reproduced before the fix: DEBUG=off started with SECRET_KEY=short (or the development key), and any client
sending `X-Forwarded-Proto: https` was taken to be on HTTPS (no redirect, `request.is_secure()` true).
Each case runs settings.py in its own process with the environment a deployment sets.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.test_production_settings import _production_env

ROOT = Path(__file__).resolve().parent.parent.parent
DEV_KEY = "django-insecure-development-only-key-do-not-use-in-production"

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

setup_test_environment()
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    claimed = Client(HTTP_HOST="echo.example.org").get("/privacy/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({"proxy_header": settings.SECURE_PROXY_SSL_HEADER, "claimed_status": claimed.status_code}))
"""


def _env(tmp_path, **overrides) -> dict:
    env = {k: v for k, v in _production_env(tmp_path).items() if k != "TRUSTED_PROXY_COUNT"}
    env.update(overrides)
    return env


def _probe(env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("weak", ["short", "x" * 49, DEV_KEY, "django-insecure-" + "a" * 60])
def test_production_refuses_a_short_or_development_secret_key(tmp_path, weak):
    result = _probe(_env(tmp_path, SECRET_KEY=weak))

    assert result.returncode != 0
    assert "SECRET_KEY must be a random value of at least 50 characters" in result.stderr


def test_a_client_claiming_https_is_not_believed_without_a_proxy(tmp_path):
    result = _probe(_env(tmp_path))

    assert result.returncode == 0, result.stderr[-2000:]
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["proxy_header"] is None
    assert values["claimed_status"] == 301  # sent to HTTPS like any plain-HTTP request


@pytest.mark.parametrize("setting", [{"TRUSTED_PROXY_COUNT": "1"}, {"BEHIND_HTTPS_PROXY": "on"}])
def test_behind_a_proxy_the_deployment_names_the_header_is_believed(tmp_path, setting):
    result = _probe(_env(tmp_path, **setting))

    assert result.returncode == 0, result.stderr[-2000:]
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["claimed_status"] == 200
