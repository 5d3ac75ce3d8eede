import posixpath

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from core.uploads import ACCEPTED
from enrollment.queries import viewer_is_registrant
from enrollment.visibility import may_see_all_of
from hubs.scoping import is_hub_staff

from . import queries
from .forms import PastSessionFilterForm

PAST_PAGE_SIZE = 20


@require_GET
def detail(request, pk):
    session = queries.session_for_page(pk=pk)
    if session is None or not may_see_all_of(request.user, session.series):
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


def _may_download(resource, user) -> bool:
    series = resource.session.series
    if is_hub_staff(user, series.hub_id):
        return True
    if series.status != series.Status.PUBLISHED or resource.published_at is None:
        return False
    if not may_see_all_of(user, series):
        return False
    if resource.visibility == resource.Visibility.PUBLIC:
        return True
    return viewer_is_registrant(session=resource.session, user=user)


def _download_name(resource) -> str:
    """The name it was uploaded with, ending in the extension of the kind it really is."""
    kind = ACCEPTED.get(resource.content_type)
    uploaded = resource.file_name or posixpath.basename(resource.file.name)
    if kind is None:
        return uploaded
    stem = posixpath.splitext(uploaded)[0] or slugify(str(resource)) or "material"
    return f"{stem}.{kind.extension}"


@require_GET
def material_file(request, pk):
    """The one door to stored materials: who may see it is checked, and nothing in it can run in the browser.

    Always a download (attachment) of the type found in the file's content when it was uploaded, never sniffed,
    sandboxed with no sources allowed even if a browser were to render it. Registrants-only files ask a visitor
    to sign in first; anyone else not allowed gets 404, as if the file did not exist.
    """
    resource = queries.resource_for_download(pk=pk)
    if resource is None:
        raise Http404
    if not _may_download(resource, request.user):
        if not request.user.is_authenticated and resource.visibility == resource.Visibility.REGISTRANTS:
            return redirect_to_login(request.get_full_path())
        raise Http404
    try:
        handle = resource.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_download_name(resource),
        content_type=resource.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = (
        "private, no-store" if resource.visibility == resource.Visibility.REGISTRANTS else "private"
    )
    return response
