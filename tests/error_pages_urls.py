"""The site's URLs plus one view that fails as it would with the database down (for the 500 page's test)."""

from django.db import OperationalError
from django.urls import path

from echo_portal.urls import urlpatterns as site_urlpatterns


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [path("database-down/", database_down), *site_urlpatterns]
