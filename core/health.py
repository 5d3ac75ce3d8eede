"""/healthz: whether the database, the shared cache and the broker answer, for a load balancer or a monitor.

Answered by `HealthCheckMiddleware`, near the top of the stack, before the middleware that reads the shared cache
(the visitor page cache, sessions, the signed-in user, the cache versions): with Redis down those would fail the
request before any view runs, and the check would answer 500 instead of saying that the cache is down. The view is
the same answer, for the URL's name and for a stack without the middleware.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_script_prefix
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PATH = "healthz"  # the URL pattern (echo_portal/urls.py) and the middleware's test alike


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the reason is reported
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict:
    try:
        key = "healthz:probe"
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from celery import current_app

    try:
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}


@never_cache
@require_GET
def healthz(request):
    started = time.monotonic()
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    healthy = checks["database"]["ok"]
    body = {
        "status": "ok" if all(c["ok"] for c in checks.values()) else ("degraded" if healthy else "down"),
        "checks": checks,
        "elapsed_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)


class HealthCheckMiddleware:
    """Answer GET /healthz before the rest of the stack runs (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == f"{get_script_prefix()}{PATH}":
            return healthz(request)
        return self.get_response(request)
