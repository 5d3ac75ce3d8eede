"""Requests to join the hub's series by approval: the reviewers' queue, and approving or declining, one or many."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from enrollment import join_queue, services
from enrollment.forms import JoinDecisionForm
from hubs import scoping
from hubs.models import HubMembership

from .common import manage_url, portal_context, post_only

APPROVE = "approve"
DECLINE = "decline"


def _series_filter(request, hub, taking):
    """The optional ?series= filter: one of the hub's series by approval, or a 404."""
    raw = request.GET.get("series", "") or request.POST.get("series", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("Not a series.")
    found = next((series for series in taking if series.pk == int(raw)), None)
    if found is None:
        raise Http404("No such series by approval in this hub.")
    return found


def _queue(request, hub, *, form, status=200):
    taking = list(join_queue.series_taking_requests(hub=hub))
    series = _series_filter(request, hub, taking)
    for each in taking:
        each.places_left = max(each.capacity - each.active_enrollment_count, 0) if each.capacity else None
    context = portal_context(
        request,
        hub,
        form=form,
        taking=taking,
        series=series,
        pending=join_queue.pending_for_hub(hub=hub, series_id=series.pk if series else None),
        decided=join_queue.recent_decisions_for_hub(hub=hub),
        can_decide=hub.viewer_role == HubMembership.Role.MANAGER,
    )
    return render(request, "hubs/manage/join_requests.html", context, status=status)


@login_required
def join_requests(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    return _queue(request, hub, form=JoinDecisionForm())


def _chosen(request) -> tuple[str, list[int]] | None:
    """The decision and the requests it applies to: a row's own button, or the ticked rows and a bulk button."""
    for decision in (APPROVE, DECLINE):
        if request.POST.get(decision, "").isdigit():
            return decision, [int(request.POST[decision])]
    decision = request.POST.get("decision", "")
    ids = request.POST.getlist("requests")
    if decision not in (APPROVE, DECLINE) or not all(raw.isdigit() for raw in ids):
        return None
    return decision, sorted({int(raw) for raw in ids})


@login_required
def join_requests_decide(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    if refusal := post_only(request):
        return refusal
    back = manage_url(hub, "join_requests")
    if request.POST.get("series", "").isdigit():
        back = f"{back}?series={request.POST['series']}"
    chosen = _chosen(request)
    if chosen is None:
        messages.error(request, _("Choose approve or decline for the requests you ticked."))
        return redirect(back)
    decision, ids = chosen
    if not ids:
        messages.error(request, _("Tick at least one request, then approve or decline."))
        return redirect(back)
    # Requests of another hub's series are indistinguishable from requests that do not exist.
    if join_queue.requests_in_hub(hub=hub).filter(pk__in=ids).count() != len(ids):
        raise Http404("No such request to join in this hub.")
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        return _queue(request, hub, form=form, status=400)
    decide = services.approve_join_requests if decision == APPROVE else services.decline_join_requests
    result = decide(request_ids=ids, by=request.user, message=form.cleaned_data["message"])
    level = messages.SUCCESS if result.changed_anything else messages.INFO
    for line in result.summary():
        messages.add_message(request, level, line)
    return redirect(back)
