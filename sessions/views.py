from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from series.models import Series

from .models import Session


def detail(request, pk):
    session = get_object_or_404(Session.objects.select_related("series"), pk=pk, series__status=Series.Status.PUBLISHED)
    return render(request, "sessions/detail.html", {"session": session})


def past(request):
    sessions = Session.objects.filter(
        series__status=Series.Status.PUBLISHED, ends_at__lt=timezone.now()
    ).select_related("series")
    return render(request, "sessions/past.html", {"sessions": sessions.order_by("-starts_at")[:50]})
