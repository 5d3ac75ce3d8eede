from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.page_cache import programme_fragment
from enrollment import catalog as queries
from enrollment.forms import EnrollmentKeyForm
from enrollment.queries import next_registrations

from .forms import CatalogFilterForm, HomeFilterForm

CATALOG_PAGE_SIZE = 24
# The home page shows the coming weeks a page at a time, so it stays a phone's few screens long at any scale.
HOME_PAGE_SIZE = 10


@require_GET
def home(request):
    """The key box and the learner's next sessions first, then the coming sessions by day, a page at a time."""
    now = timezone.now()
    form = HomeFilterForm(request.GET)
    filters = form.valid_filters()
    page = Paginator(queries.upcoming_sessions(now=now, **filters), HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "series/home.html",
        {
            "key_form": EnrollmentKeyForm(auto_id="home_%s"),
            "next_registrations": next_registrations(user=request.user, now=now)
            if request.user.is_authenticated
            else [],
            "filter_form": form,
            "filtered": any(filters.values()),
            "page": page,
            "days": queries.by_day(page.object_list),
            "query_without_page": query_without_page.urlencode(),
            "open_communities_html": _open_communities_html(now) if page.number == 1 else "",
        },
    )


def _open_communities_html(now) -> str:
    """The same for every viewer of a language and time zone: rendered once, not for each signed-in learner."""
    return programme_fragment(
        "home-open-communities",
        lambda: render_to_string(
            "series/includes/open_communities.html",
            {"open_communities": queries.open_communities_of_practice(now=now, limit=6)},
        ),
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
            # The seats still free, not the capacity: with_registration_facts counted the active members.
            "places_left": max(series.capacity - series.active_enrollment_count, 0) if series.capacity else None,
        },
    )
