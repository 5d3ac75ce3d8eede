"""The hub's spokes: list, add, edit, archive and bring back (managers only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hubs import queries, scoping, services
from hubs.forms import SpokeForm

from .common import manage_url, portal_context, post_only


@login_required
def spoke_list(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spokes = queries.with_member_counts(scoping.spokes(request.user, hub, roles=scoping.MANAGE))
    return render(request, "hubs/manage/spokes.html", portal_context(request, hub, spokes=spokes))


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
            return redirect(manage_url(hub, "spokes"))
    return render(request, "hubs/manage/spoke_form.html", portal_context(request, hub, form=form, spoke=None))


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
            return redirect(manage_url(hub, "spokes"))
    return render(request, "hubs/manage/spoke_form.html", portal_context(request, hub, form=form, spoke=spoke))


@login_required
def spoke_archive(request, slug, spoke_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spoke = scoping.get_spoke_or_404(request.user, hub, spoke_id)
    if refusal := post_only(request):
        return refusal
    if services.archive_spoke(spoke=spoke):
        messages.success(request, _("The spoke “%(name)s” was archived.") % {"name": spoke.name})
    else:
        messages.info(request, _("The spoke “%(name)s” was already archived.") % {"name": spoke.name})
    return redirect(manage_url(hub, "spokes"))


@login_required
def spoke_unarchive(request, slug, spoke_id):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.MANAGE)
    spoke = scoping.get_spoke_or_404(request.user, hub, spoke_id)
    if refusal := post_only(request):
        return refusal
    if services.unarchive_spoke(spoke=spoke):
        messages.success(request, _("The spoke “%(name)s” is active again.") % {"name": spoke.name})
    else:
        messages.info(request, _("The spoke “%(name)s” was not archived.") % {"name": spoke.name})
    return redirect(manage_url(hub, "spokes"))
