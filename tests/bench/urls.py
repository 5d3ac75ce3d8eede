"""The site's URLs plus /bench/bare/: the cost of Django itself through the same middleware, for comparison."""

from django.http import HttpResponse
from django.urls import path

from echo_portal.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
