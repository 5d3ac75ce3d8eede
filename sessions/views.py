from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from enrollment.queries import viewer_is_registrant

from . import queries
from .forms import PastSessionFilterForm

PAST_PAGE_SIZE = 20


@require_GET
def detail(request, pk):
    session = queries.session_for_page(pk=pk)
    if session is None:
        raise Http404
    resources = list(session.resources.all())
    if any(r.visibility == r.Visibility.REGISTRANTS for r in resources) and not viewer_is_registrant(
        session=session, user=request.user
    ):
        resources = [r for r in resources if r.visibility == r.Visibility.PUBLIC]
    return render(request, "sessions/detail.html", {"session": session, "resources": resources})


@require_GET
def past(request):
    form = PastSessionFilterForm(request.GET or None)
    filters = form.valid_filters() if request.GET else {}
    page = Paginator(queries.past_sessions(**filters), PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "sessions/past.html",
        {
            "form": form if request.GET else PastSessionFilterForm(),
            "page": page,
            "query_without_page": query_without_page.urlencode(),
        },
    )
