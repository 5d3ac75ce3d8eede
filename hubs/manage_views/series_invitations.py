"""Series by invitation only: hub staff send a list of addresses (checked before anything is sent), send the
invitation again to those who have not answered, and see or export where each invitation stands.

Managers send; facilitators see the lists and export them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.csv_export import csv_response
from enrollment import invitation_queries as queries
from enrollment.invitation_forms import ConfirmInvitationsForm, InvitationListForm
from enrollment.invitation_lists import ListError, preview
from enrollment.models import SeriesInvitation
from enrollment.services import invitations as services
from enrollment.services.errors import EnrollmentError
from hubs import scoping

from .common import manage_url, portal_context, post_only

PAGE_SIZE = 200
STATE_LABELS = dict(SeriesInvitation.State.choices)


@login_required
def series_list(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    series = list(queries.invitation_series(request.user, hub))
    return render(request, "hubs/manage/invitation_series.html", portal_context(request, hub, series_list=series))


@login_required
def series_invitations(request, slug, series_id):
    # Facilitators see the list; only managers send (a POST of theirs is a 404, like any other hub's).
    roles = scoping.MANAGE if request.method == "POST" else scoping.VIEW
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=roles)
    series = queries.get_invitation_series_or_404(request.user, hub, series_id, roles=roles)
    context = portal_context(request, hub, series=series)
    form = InvitationListForm()
    if request.method == "POST":
        if "entries" in request.POST:
            return _send(request, hub, series, context)
        form = InvitationListForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                checked = preview(series=series, text=form.cleaned_data["text"])
            except ListError as error:
                form.add_error(None, error.message)
            else:
                context["preview"] = checked
                context["confirm_form"] = ConfirmInvitationsForm(initial={"entries": checked.as_text()})
    page = Paginator(queries.invitations_of(series), PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.shown_state_label = STATE_LABELS[queries.shown_state(row)]
    context.update({"form": form, "page": page})
    return render(request, "hubs/manage/series_invitations.html", context)


def _send(request, hub, series, context):
    confirm = ConfirmInvitationsForm(request.POST)
    back = manage_url(hub, "series_invitations", series.pk)
    if not confirm.is_valid():
        messages.error(request, _("The list to send was lost on the way. Check it again, then send."))
        return redirect(back)
    try:
        # Read and checked again: someone may have been invited from another tab since the preview.
        checked = preview(series=series, text=confirm.cleaned_data["entries"])
        created = services.invite(series=series, people=checked.to_invite, invited_by=request.user)
    except ListError as error:
        messages.error(request, error.message)
    except EnrollmentError as error:
        messages.error(request, error.message)
    else:
        if created:
            messages.success(
                request,
                ngettext("%(count)d invitation is on its way.", "%(count)d invitations are on their way.", len(created))
                % {"count": len(created)},
            )
        else:
            messages.info(request, _("Nobody new to invite: everyone on the list was already invited."))
    return redirect(back)


@login_required
def series_invitations_resend(request, slug, series_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    series = queries.get_invitation_series_or_404(request.user, hub, series_id, roles=scoping.MANAGE)
    if refusal := post_only(request):
        return refusal
    try:
        count = services.send_again(series=series, sent_by=request.user)
    except EnrollmentError as error:
        messages.error(request, error.message)
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "The invitation was sent again to %(count)d person who has not answered.",
                    "The invitation was sent again to %(count)d people who have not answered.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Everyone invited has answered (or their address was refused): nobody to remind."))
    return redirect(manage_url(hub, "series_invitations", series.pk))


@login_required
def series_invitations_export(request, slug, series_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    series = queries.get_invitation_series_or_404(request.user, hub, series_id)
    header = [
        _("Email address"),
        _("Name"),
        _("State"),
        _("Invited"),
        _("Last sent"),
        _("Times sent"),
        _("Opened the link"),
        pgettext("a column of a series' invitations: when the person joined", "Joined"),
        _("Declined"),
        _("Address refused"),
        _("Account that answered"),
    ]
    rows = (
        [
            row.email,
            row.name,
            STATE_LABELS[queries.shown_state(row)],
            row.created_at,
            row.sent_at,
            row.times_sent,
            row.opened_at,
            row.joined_at,
            row.declined_at,
            row.bounced_at,
            row.account_email or "",
        ]
        for row in queries.invitations_of(series).iterator(chunk_size=1000)
    )
    return csv_response(
        filename=f"{series.slug}-invitations-{timezone.localdate().isoformat()}.csv", header=header, rows=rows
    )
