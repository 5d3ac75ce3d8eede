"""What a clinician does with spokes: ask to join one, leave it, accept an emailed invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.invited import signup_url_for_invitee

from . import queries, services
from .forms import JoinForm
from .models import Hub, SpokeMembership


def _public_hub_or_404(slug: str) -> Hub:
    hub = Hub.objects.filter(slug=slug, is_active=True).first()
    if hub is None:
        raise Http404("No such hub.")
    return hub


@login_required
def join(request, slug):
    """Ask to join one of a hub's spokes (a manager approves), see one's own memberships there, or leave."""
    hub = _public_hub_or_404(slug)
    own = queries.own_memberships(user=request.user, hub=hub)
    spokes = queries.joinable_spokes(hub=hub).exclude(pk__in=list(own))
    form = JoinForm(None, spokes=spokes)
    if request.method == "POST" and "leave" in request.POST:
        raw = request.POST["leave"]
        membership = own.get(int(raw)) if raw.isdigit() else None
        if membership is None:
            messages.error(request, _("You are not a member of that spoke."))
        else:
            services.remove_member(membership=membership)
            messages.success(request, _("You left %(spoke)s.") % {"spoke": membership.spoke.name})
        return redirect("hubs:join", slug=hub.slug)
    if request.method == "POST":
        form = JoinForm(request.POST, spokes=spokes)
        if form.is_valid():
            spoke = form.cleaned_data["spoke"]
            try:
                services.request_to_join(spoke=spoke, user=request.user)
            except ValidationError as error:
                form.add_error("spoke", error)
            else:
                messages.success(
                    request,
                    _("Your request to join %(spoke)s was sent; a manager of %(hub)s will review it.")
                    % {"spoke": spoke.name, "hub": hub.name},
                )
                return redirect("hubs:join", slug=hub.slug)
    memberships = sorted(own.values(), key=lambda row: row.spoke.name)
    return render(
        request,
        "hubs/membership/join.html",
        {"hub": hub, "form": form, "memberships": memberships, "has_spokes": bool(form.fields["spoke"].queryset)},
    )


@login_required
def my_spokes(request):
    """Linked from the account pages: the spokes one belongs to or asked to join, and where else to ask."""
    return render(
        request,
        "hubs/membership/my_spokes.html",
        {
            "invitations": queries.pending_invitations_for(user=request.user),
            "memberships": queries.memberships_of(user=request.user),
            "hubs": queries.hubs_with_joinable_spokes(),
        },
    )


def _invitation_page(request, invitation, state: str, status: int = 200):
    return render(
        request,
        "hubs/membership/invitation.html",
        {"invitation": invitation, "state": state, "here": request.path},
        status=status,
    )


def invitation(request, token):
    """The link in the invitation email. Every outcome is a page that says what happened and what to do."""
    invitation = queries.invitation_by_token(token)
    if invitation is None:
        return _invitation_page(request, None, "invalid", status=404)
    if invitation.is_used:
        joined = request.user.is_authenticated and invitation.used_by_id == request.user.pk
        return _invitation_page(request, invitation, "joined" if joined else "used", status=200 if joined else 410)
    if invitation.is_expired():
        return _invitation_page(request, invitation, "expired", status=410)
    if not request.user.is_authenticated:
        if invitation.is_declined:
            return _invitation_page(request, invitation, "declined", status=410)
        signup = signup_url_for_invitee(request, email=invitation.email, come_back_to=request.path)
        return render(
            request,
            "hubs/membership/invitation.html",
            {"invitation": invitation, "state": "anonymous", "here": request.path, "signup_url": signup},
        )
    if invitation.is_declined:
        return _invitation_page(request, invitation, "declined", status=410)
    if request.method != "POST":
        return _invitation_page(request, invitation, "valid")
    statuses = {"wrong_account": 403, "expired": 410, "used": 410, "declined": 410}
    if request.POST.get("answer") == "decline":
        try:
            services.decline_invitation(invitation=invitation, user=request.user)
        except services.InvitationError as error:
            return _invitation_page(request, invitation, error.code, status=statuses.get(error.code, 400))
        messages.info(
            request,
            _("You declined the invitation to join %(spoke)s. %(hub)s sees nothing of your learning.")
            % {"spoke": invitation.spoke.name, "hub": invitation.spoke.hub.name},
        )
        return redirect("hubs:my_spokes")
    try:
        membership = services.accept_invitation(invitation=invitation, user=request.user)
    except services.InvitationError as error:
        return _invitation_page(request, invitation, error.code, status=statuses.get(error.code, 400))
    if membership.status == SpokeMembership.Status.ACTIVE:
        messages.success(
            request,
            _("Welcome to %(spoke)s: %(hub)s now sees your registrations and attendance.")
            % {"spoke": membership.spoke.name, "hub": membership.spoke.hub.name},
        )
    return redirect("hubs:join", slug=membership.spoke.hub.slug)
