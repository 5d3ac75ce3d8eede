"""The hub's members and the requests to join its spokes: who belongs, what they took part in, and the
manager's approve, decline and remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import privacy
from accounts.models import AccessLog
from enrollment import participation
from hubs import queries, scoping, services
from hubs.models import HubMembership

from .common import manage_url, portal_context, post_only

MEMBERS_PER_PAGE = 50


def _spoke_filter(request, hub):
    """The optional ?spoke= filter on the members page: a spoke of this hub, or a 404."""
    raw = request.GET.get("spoke", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("Not a spoke.")
    return scoping.get_spoke_or_404(request.user, hub, int(raw), roles=scoping.VIEW)


@login_required
def member_list(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    spoke = _spoke_filter(request, hub)
    people = queries.members_with_spokes(scoping.members(request.user, hub), hub=hub, spoke=spoke)
    page = Paginator(people, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    is_manager = hub.viewer_role == HubMembership.Role.MANAGER
    return render(
        request,
        "hubs/manage/members.html",
        portal_context(
            request,
            hub,
            page=page,
            spoke=spoke,
            spokes=scoping.spokes(request.user, hub).order_by("name"),
            requests=queries.pending_requests(scoping.memberships(request.user, hub)) if is_manager else [],
            invitations=queries.recent_invitations(scoping.invitations(request.user, hub)) if is_manager else [],
        ),
    )


@login_required
def member_detail(request, slug, member_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    member = scoping.get_member_or_404(request.user, hub, member_id)
    member_memberships = (
        scoping.memberships(request.user, hub)
        .filter(user=member, status="active")
        .select_related("spoke")
        .order_by("spoke__name")
    )
    registrations = participation.registrations_of_member(hub=hub, member=member)
    privacy.log_access(request, action=AccessLog.Action.MEMBER_DETAIL, subject=member, detail=hub.slug)
    return render(
        request,
        "hubs/manage/member_detail.html",
        portal_context(request, hub, member=member, memberships=member_memberships, registrations=registrations),
    )


def _membership_action(request, slug, membership_id, *, status, action, success, stale):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    membership = scoping.get_membership_or_404(request.user, hub, membership_id, status=status)
    if refusal := post_only(request):
        return refusal
    name = membership.user.get_full_name() or membership.user.email
    values = {"name": name, "spoke": membership.spoke.name}
    if action(membership=membership):
        messages.success(request, success % values)
    else:
        messages.info(request, stale % values)
    return redirect(manage_url(hub, "members"))


@login_required
def membership_approve(request, slug, membership_id):
    return _membership_action(
        request,
        slug,
        membership_id,
        status="requested",
        action=services.approve_request,
        success=_("%(name)s is now a member of %(spoke)s."),
        stale=_("%(name)s was already a member of %(spoke)s."),
    )


@login_required
def membership_decline(request, slug, membership_id):
    return _membership_action(
        request,
        slug,
        membership_id,
        status="requested",
        action=services.decline_request,
        success=_("The request of %(name)s to join %(spoke)s was declined."),
        stale=_("The request of %(name)s to join %(spoke)s had already been handled."),
    )


@login_required
def membership_remove(request, slug, membership_id):
    return _membership_action(
        request,
        slug,
        membership_id,
        status="active",
        action=services.remove_member,
        success=_("%(name)s was removed from %(spoke)s."),
        stale=_("%(name)s had already left %(spoke)s."),
    )
