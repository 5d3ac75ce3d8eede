from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from enrollment import catalog as queries
from enrollment.catalog import upcoming_sessions_by_day

from .forms import CatalogFilterForm

CATALOG_PAGE_SIZE = 24


@require_GET
def home(request):
    now = timezone.now()
    return render(
        request,
        "series/home.html",
        {
            "days": upcoming_sessions_by_day(now=now),
            "open_communities": queries.open_communities_of_practice(now=now),
        },
    )


@require_GET
def catalog(request):
    form = CatalogFilterForm(request.GET or None)
    filters = form.valid_filters() if request.GET else {}
    page = Paginator(queries.catalog(**filters), CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "series/catalog.html",
        {
            "form": form if request.GET else CatalogFilterForm(),
            "page": page,
            "filtered": any(filters.values()) if filters else False,
            "query_without_page": query_without_page.urlencode(),
        },
    )


@require_GET
def detail(request, slug):
    series = queries.series_for_page(slug=slug)
    if series is None:
        raise Http404
    now = timezone.now()
    sessions = list(series.sessions.all())
    return render(
        request,
        "series/detail.html",
        {
            "series": series,
            "upcoming": [s for s in sessions if s.ends_at > now],
            "past": [s for s in reversed(sessions) if s.ends_at <= now],
        },
    )
