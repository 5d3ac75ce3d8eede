from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from sessions.models import Session

from .models import Series


def home(request):
    upcoming = (
        Session.objects.filter(series__status=Series.Status.PUBLISHED, ends_at__gte=timezone.now())
        .select_related("series")
        .order_by("starts_at")[:30]
    )
    return render(request, "series/home.html", {"upcoming": upcoming})


def catalog(request):
    series = Series.objects.filter(status=Series.Status.PUBLISHED).select_related("hub")
    return render(request, "series/catalog.html", {"series_list": series})


def detail(request, slug):
    series = get_object_or_404(Series.objects.select_related("hub"), slug=slug, status=Series.Status.PUBLISHED)
    return render(request, "series/detail.html", {"series": series, "sessions": series.sessions.all()})
