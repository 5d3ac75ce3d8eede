import hashlib

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.page_cache import programme_fragment, programme_value
from enrollment import catalog as queries
from enrollment.forms import blank_key_form
from enrollment.registration import registration_state
from enrollment.visibility import Access, series_access

from .forms import CatalogFilterForm, HomeFilterForm

CATALOG_PAGE_SIZE = 24
# The home page shows the coming weeks a page at a time, so it stays a phone's few screens long at any scale.
HOME_PAGE_SIZE = 10
HOME_OPEN_COMMUNITIES = 6


def _query_digest(request) -> str:
    """The query string as part of a fragment's name: the filters and page it was rendered for."""
    return hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32]


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def home(request):
    """The key box and the learner's next sessions first, then the coming sessions by day, a page at a time.

    Everything below the learner's own sessions is the same for every viewer of the same query string,
    so it is rendered once (a programme fragment that follows seat changes, for the "Full" badges).
    """
    now = timezone.now()
    return render(
        request,
        "series/home.html",
        {
            "key_form": blank_key_form(auto_id="home_%s"),
            "next_sessions_html": _next_sessions(request, now) if request.user.is_authenticated else "",
            "listing_html": programme_fragment(
                f"home:{_query_digest(request)}", lambda: _home_listing(request, now), shows_seats=True
            ),
        },
    )


def _next_sessions(request, now) -> str:
    """The learner's next sessions: which ones is theirs (one query of ids); the list of those sessions is the same
    for everyone with the same next sessions, so it is rendered once (and again when staff change the programme)."""
    ids = queries.next_session_ids(user=request.user, now=now)
    if not ids:
        return ""
    return programme_fragment(
        f"next-sessions:{','.join(map(str, ids))}",
        lambda: render_to_string("series/includes/next_sessions.html", {"sessions": queries.sessions_in_order(ids)}),
    )


def _home_listing(request, now) -> str:
    form = HomeFilterForm(request.GET)
    filters = form.valid_filters()
    page = Paginator(queries.upcoming_sessions(now=now, **filters), HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_to_string(
        "series/includes/home_listing.html",
        {
            "filter_form": form,
            "filtered": any(filters.values()),
            "page": page,
            "days": queries.by_day(page.object_list),
            "query_without_page": _without_page(request),
            "open_communities": queries.open_communities_of_practice(now=now, limit=HOME_OPEN_COMMUNITIES)
            if page.number == 1
            else [],
        },
    )


@require_GET
def catalog(request):
    """One fragment per query string below the heading, the same for everyone; above it, for a signed-in viewer,
    the series by invitation only they were invited to: which ones is read for each request (one query of ids, none
    for visitors), their cards are rendered once for everyone invited to the same ones."""
    invited = queries.invitation_series_ids_for(viewer=request.user)
    return render(
        request,
        "series/catalog.html",
        {
            "invitation_html": programme_fragment(
                f"catalog-invitations:{','.join(map(str, invited))}",
                lambda: render_to_string(
                    "series/includes/invitation_cards.html",
                    {"invitation_series": queries.invitation_series(ids=invited)},
                ),
            )
            if invited
            else "",
            "listing_html": programme_fragment(
                f"catalog:{_query_digest(request)}", lambda: _catalog_listing(request), shows_seats=True
            ),
        },
    )


def _catalog_listing(request) -> str:
    form = CatalogFilterForm(request.GET or None)
    filters = form.valid_filters() if request.GET else {}
    page = Paginator(queries.catalog(**filters), CATALOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render_to_string(
        "series/includes/catalog_listing.html",
        {
            "form": form if request.GET else CatalogFilterForm(),
            "has_query": bool(request.GET),
            "page": page,
            "filtered": any(filters.values()) if filters else False,
            "query_without_page": _without_page(request),
        },
    )


@require_GET
def detail(request, slug):
    """The series (with its seats) and the page's parts are the same for every viewer: read and rendered once, and
    dropped at every seat taken or freed. Only where the viewer stands in it is read for each request (one query)."""
    series = programme_value(f"series:{slug}", lambda: queries.series_for_page(slug=slug), shows_seats=True)
    if series is None:
        raise Http404
    # A series by invitation only: all of it for its people and staff (the same shared parts), else its title or 404.
    access = series_access(request.user, series)
    if access is Access.NONE:
        raise Http404
    if access is Access.TITLE:
        return render(request, "series/detail_invitation_only.html", {"series": series})
    if request.user.is_authenticated:
        for name, value in queries.viewer_place(series=series, viewer=request.user).items():
            setattr(series, name, value)  # what series_actions shows; this copy of the series is this request's
    # The seats still free, not the capacity: with_registration_facts counted the active members.
    places_left = max(series.capacity - series.active_enrollment_count, 0) if series.capacity else None
    # Named after the state (it moves with the clock too) and the places left, as the badge and the facts show them.
    name = f"series:{slug}:{registration_state(series).code}:{places_left}"
    return render(
        request,
        "series/detail.html",
        {
            "series": series,
            "intro_html": programme_fragment(
                f"{name}:intro", lambda: render_to_string("series/includes/detail_intro.html", {"series": series})
            ),
            "body_html": programme_fragment(f"{name}:body", lambda: _detail_body(series, places_left)),
        },
    )


def _detail_body(series, places_left) -> str:
    queries.prefetch_series_page(series)
    now = timezone.now()
    sessions = list(series.sessions.all())
    return render_to_string(
        "series/includes/detail_body.html",
        {
            "series": series,
            "upcoming": [s for s in sessions if s.ends_at > now],
            "past": [s for s in reversed(sessions) if s.ends_at <= now],
            "places_left": places_left,
        },
    )
