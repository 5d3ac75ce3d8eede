"""Site-wide pages that belong to no single app: health check and static information pages."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page links to."""
    response = FileResponse(
        open(settings.BASE_DIR / "static" / "favicon.ico", "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type="image/x-icon",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
