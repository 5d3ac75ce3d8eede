from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from enrollment.catalog import catalog
from series import hub_queries


@require_GET
def hub_list(request):
    """Public: every active hub partner with its region or sector, spokes and programming (2 queries)."""
    return render(request, "hubs/list.html", {"hubs": hub_queries.hubs_with_spoke_kinds()})


@require_GET
def detail(request, slug):
    """Public: one hub partner, its spokes by kind and its own published series (3 queries)."""
    hub = hub_queries.public_hub(slug=slug)
    if hub is None:
        raise Http404
    return render(request, "hubs/detail.html", {"hub": hub, "series_list": list(catalog(hub=hub, viewer=request.user))})
