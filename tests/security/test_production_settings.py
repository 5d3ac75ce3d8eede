"""With production settings (DEBUG off, secrets from the environment) the site is locked down.

Each test starts a separate Python process with the environment a production deployment sets,
so what is checked is what settings.py really computes there, not values a test patched in.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

# The probe asks the real middleware stack, in production mode, for a page over HTTPS and over HTTP.
# Only static file names are served unhashed: the hashed manifest is built by collectstatic at deploy time.
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.test.utils import setup_test_environment

setup_test_environment()
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST="echo.example.org")
    page = client.get("/privacy/", secure=True)
    switch = client.post("/i18n/setlang/", {"language": "fr", "next": "/privacy/"}, secure=True)
    plain = client.get("/privacy/", secure=False)
    health = client.get("/healthz", secure=False)
    foreign = client.get("/privacy/", secure=True, HTTP_HOST="evil.example.com")

def cookie(response, name):
    morsel = response.cookies.get(name)
    return {k: morsel[k] for k in ("secure", "httponly", "samesite")} if morsel else None

print(json.dumps({
    "status": page.status_code,
    "headers": {k.lower(): v for k, v in page.headers.items()},
    "csrf_cookie": cookie(page, settings.CSRF_COOKIE_NAME),
    "language_cookie": cookie(switch, settings.LANGUAGE_COOKIE_NAME),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "health_status": health.status_code,
    "foreign_host_status": foreign.status_code,
    "debug": settings.DEBUG,
}))
"""


def _production_env(tmp_path: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CACHE_URL", "EMAIL_URL", "CELERY_BROKER_URL", "SECURE_SSL_REDIRECT"}
        and not k.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="echo_portal.settings",
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="echo.example.org",
        SITE_URL="https://echo.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    return env


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_deploy_check_is_clean(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    result = _run([sys.executable, "-c", PROBE], _production_env(tmp_path_factory.mktemp("production")))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_pages_are_served_with_the_protective_headers(production):
    headers = production["headers"]
    assert production["debug"] is False and production["status"] == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"


def test_the_content_security_policy_allows_no_inline_code(production):
    policy = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in production["headers"]["content-security-policy"].split(";")
    )
    assert "unsafe-inline" not in production["headers"]["content-security-policy"]
    assert "unsafe-eval" not in production["headers"]["content-security-policy"]
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "upgrade-insecure-requests" in policy


def test_cookies_are_secure(production):
    assert production["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["language_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["session_cookie_secure"] is True and production["session_cookie_httponly"] is True


def test_plain_http_is_redirected_to_https_except_the_health_check(production):
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://echo.example.org/privacy/"
    # Load balancers probe over plain HTTP inside the network.
    assert production["health_status"] == 200


def test_requests_for_another_host_are_refused(production):
    assert production["foreign_host_status"] == 400
