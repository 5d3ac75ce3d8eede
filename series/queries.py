"""Reads about series that need nothing above them: what is published, and which hubs have something."""

from django.db.models import QuerySet

from core.i18n import localized
from hubs.models import Hub

from .models import Series


def published_series() -> QuerySet[Series]:
    return Series.objects.published()


def hubs_with_published_series() -> QuerySet[Hub]:
    """The hubs the catalog filter offers: those with something published."""
    return (
        Hub.objects.filter(series__status=Series.Status.PUBLISHED)
        .distinct()
        .annotate(shown_name=localized("name"))
        .order_by("shown_name")
    )
