"""Inviting someone to a spoke by email, and withdrawing an invitation not yet accepted (managers only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hubs import scoping, services
from hubs.forms import InvitationForm

from .common import manage_url, portal_context, post_only


@login_required
def invite(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spokes = scoping.spokes(request.user, hub, roles=scoping.MANAGE).filter(archived_at__isnull=True).order_by("name")
    initial = {}
    if request.method == "GET" and request.GET.get("spoke", "").isdigit():
        initial["spoke"] = int(request.GET["spoke"])
    form = InvitationForm(request.POST or None, spokes=spokes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_to_spoke(
                spoke=form.cleaned_data["spoke"],
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
                invited_by=request.user,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("An invitation to join %(spoke)s was sent to %(email)s.")
                % {"spoke": invitation.spoke.name, "email": invitation.email},
            )
            return redirect(manage_url(hub, "members"))
    return render(
        request, "hubs/manage/invite.html", portal_context(request, hub, form=form, has_spokes=spokes.exists())
    )


@login_required
def invitation_revoke(request, slug, invitation_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    invitation = scoping.get_invitation_or_404(request.user, hub, invitation_id)
    if refusal := post_only(request):
        return refusal
    if services.revoke_invitation(invitation=invitation):
        messages.success(request, _("The invitation sent to %(email)s was withdrawn.") % {"email": invitation.email})
    else:
        messages.info(
            request, _("The invitation sent to %(email)s was already accepted.") % {"email": invitation.email}
        )
    return redirect(manage_url(hub, "members"))
