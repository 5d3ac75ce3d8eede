"""The least Django can do: a constant response through SecurityMiddleware and CommonMiddleware only.

Its own WSGI app (no database, no sessions, no templates), which `make bench` serves with the same
gunicorn settings as the portal and measures interleaved with the portal's pages: each page's share
of this view is how close it comes to the limit of a Django page on this machine.

    gunicorn tests.bench.minimal:application
"""

import os

from django.conf import settings
from django.http import HttpResponse
from django.urls import path


def constant(request, anything=""):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("", constant), path("<path:anything>", constant)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("SECRET_KEY", "minimal-bench-view-only"),
        ALLOWED_HOSTS=os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(","),
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_I18N=False,
        SECURE_SSL_REDIRECT=False,
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402  (after settings.configure)

application = get_wsgi_application()
