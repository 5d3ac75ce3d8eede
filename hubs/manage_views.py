"""The hub partner portal, /hubs/<slug>/manage/…: thin views over hubs.scoping, hubs.services and the reads.

Every object is looked up through `hubs.scoping` before anything else, whatever
the HTTP method, so another hub's object is a 404 on GET and POST alike.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Profession, Province
from enrollment import participation
from enrollment.models import Registration
from sessions import queries as session_queries

from . import queries, scoping, services
from .forms import InvitationForm, PeriodForm, SpokeForm
from .models import HubMembership

MEMBERS_PER_PAGE = 50


def _manage_url(hub, name: str, *args) -> str:
    return reverse(f"hubs:manage:{name}", args=[hub.slug, *args])


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _context(request, hub, **extra) -> dict:
    return {"hub": hub, "is_manager": hub.viewer_role == HubMembership.Role.MANAGER, **extra}


@login_required
def dashboard(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    period_form = PeriodForm(request.GET or None)
    period = period_form.period()
    spokes = list(queries.with_member_counts(scoping.spokes(request.user, hub)))
    return render(
        request,
        "hubs/manage/dashboard.html",
        _context(
            request,
            hub,
            period_form=period_form,
            period=period,
            spokes=spokes,
            active_spokes=[spoke for spoke in spokes if spoke.archived_at is None],
            pending_request_count=sum(spoke.request_count for spoke in spokes),
            summary=participation.participation_summary(hub=hub, period=period),
            upcoming=session_queries.upcoming_for_hub(hub=hub),
        ),
    )


@login_required
def spoke_list(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spokes = queries.with_member_counts(scoping.spokes(request.user, hub, roles=scoping.MANAGE))
    return render(request, "hubs/manage/spokes.html", _context(request, hub, spokes=spokes))


@login_required
def spoke_create(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    form = SpokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spoke = services.create_spoke(hub=hub, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The spoke “%(name)s” was added.") % {"name": spoke.name})
            return redirect(_manage_url(hub, "spokes"))
    return render(request, "hubs/manage/spoke_form.html", _context(request, hub, form=form, spoke=None))


@login_required
def spoke_edit(request, slug, spoke_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spoke = scoping.get_spoke_or_404(request.user, hub, spoke_id)
    form = SpokeForm(request.POST or None, instance=spoke)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_spoke(spoke=spoke, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The spoke “%(name)s” was saved.") % {"name": spoke.name})
            return redirect(_manage_url(hub, "spokes"))
    return render(request, "hubs/manage/spoke_form.html", _context(request, hub, form=form, spoke=spoke))


@login_required
def spoke_archive(request, slug, spoke_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spoke = scoping.get_spoke_or_404(request.user, hub, spoke_id)
    if refusal := _post_only(request):
        return refusal
    if services.archive_spoke(spoke=spoke):
        messages.success(request, _("The spoke “%(name)s” was archived.") % {"name": spoke.name})
    else:
        messages.info(request, _("The spoke “%(name)s” was already archived.") % {"name": spoke.name})
    return redirect(_manage_url(hub, "spokes"))


@login_required
def spoke_unarchive(request, slug, spoke_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spoke = scoping.get_spoke_or_404(request.user, hub, spoke_id)
    if refusal := _post_only(request):
        return refusal
    if services.unarchive_spoke(spoke=spoke):
        messages.success(request, _("The spoke “%(name)s” is active again.") % {"name": spoke.name})
    else:
        messages.info(request, _("The spoke “%(name)s” was not archived.") % {"name": spoke.name})
    return redirect(_manage_url(hub, "spokes"))


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
        _context(
            request,
            hub,
            page=page,
            spoke=spoke,
            spokes=scoping.spokes(request.user, hub).order_by("name"),
            requests=queries.pending_requests(scoping.memberships(request.user, hub)) if is_manager else [],
            invitations=queries.pending_invitations(scoping.invitations(request.user, hub)) if is_manager else [],
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
    return render(
        request,
        "hubs/manage/member_detail.html",
        _context(request, hub, member=member, memberships=member_memberships, registrations=registrations),
    )


def _membership_action(request, slug, membership_id, *, status, action, success, stale):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    membership = scoping.get_membership_or_404(request.user, hub, membership_id, status=status)
    if refusal := _post_only(request):
        return refusal
    name = membership.user.get_full_name() or membership.user.email
    values = {"name": name, "spoke": membership.spoke.name}
    if action(membership=membership):
        messages.success(request, success % values)
    else:
        messages.info(request, stale % values)
    return redirect(_manage_url(hub, "members"))


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
            return redirect(_manage_url(hub, "members"))
    return render(request, "hubs/manage/invite.html", _context(request, hub, form=form, has_spokes=spokes.exists()))


@login_required
def invitation_revoke(request, slug, invitation_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    invitation = scoping.get_invitation_or_404(request.user, hub, invitation_id)
    if refusal := _post_only(request):
        return refusal
    if services.revoke_invitation(invitation=invitation):
        messages.success(request, _("The invitation sent to %(email)s was withdrawn.") % {"email": invitation.email})
    else:
        messages.info(
            request, _("The invitation sent to %(email)s was already accepted.") % {"email": invitation.email}
        )
    return redirect(_manage_url(hub, "members"))


class _Echo:
    """A file-like object csv.writer can write to, returning each line for streaming."""

    def write(self, value):
        return value


def _cell(value) -> str:
    """Neutralise spreadsheet formulas in what people typed (names, organisations)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _export_lines(rows, *, header, zone, professions, provinces, statuses):
    """Labels and the time zone arrive resolved: the language and time zone middleware have unwound by the time
    the response streams."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row, spoke_names in rows:
        name = f"{row['user__first_name']} {row['user__last_name']}".strip()
        yield writer.writerow(
            [
                _cell(name),
                _cell(row["user__email"]),
                professions.get(row["user__profession"], ""),
                provinces.get(row["user__province"], ""),
                _cell("; ".join(spoke_names)),
                _cell(row["session__series__title"]),
                _cell(row["session__title"]),
                timezone.localtime(row["session__starts_at"], zone).strftime("%Y-%m-%d %H:%M"),
                statuses.get(row["status"], row["status"]),
                "" if row["attended_minutes"] is None else row["attended_minutes"],
                _cell(row["key_code"] or ""),
            ]
        )


@login_required
def export(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    period = None
    if request.GET.get("from") or request.GET.get("to"):
        form = PeriodForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("The export period is not valid; correct it below and export again."))
            return redirect(f"{_manage_url(hub, 'dashboard')}?{request.GET.urlencode()}")
        period = form.period()
    header = [
        _("Member"),
        _("Email"),
        _("Profession"),
        _("Province or territory"),
        _("Spoke"),
        _("Series"),
        _("Session"),
        _("Date"),
        _("Status"),
        _("Minutes attended"),
        _("Key used"),
    ]
    lines = _export_lines(
        participation.export_rows(hub=hub, period=period),
        header=header,
        zone=timezone.get_current_timezone(),
        professions={key: str(label) for key, label in Profession.choices},
        provinces={key: str(label) for key, label in Province.choices},
        statuses={key: str(label) for key, label in Registration.Status.choices},
    )
    filename = f"{hub.slug}-participation-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
