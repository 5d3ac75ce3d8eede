"""Site-wide pages that belong to no single app: static information pages (the health check is core/health.py)."""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on every site whatever the page links to."""
    response = FileResponse(
        open(settings.BASE_DIR / "static" / "favicon.ico", "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type="image/x-icon",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def csrf_failure(request, reason=""):
    """A form sent with a stale token (signed in or out in another tab): what happened and what to do, in the
    reader's language and the site's layout, instead of Django's technical page."""
    return render(request, "403_csrf.html", status=403)
