"""The participation export: one CSV row per registration of the hub's members, streamed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import privacy
from accounts.choices import Profession, Province
from accounts.models import AccessLog
from core.csv_export import csv_response
from enrollment import participation
from enrollment.models import Registration
from hubs import scoping
from hubs.forms import PeriodForm

from .common import manage_url

PROFESSIONS = dict(Profession.choices)
PROVINCES = dict(Province.choices)
STATUSES = dict(Registration.Status.choices)


def _cells(rows):
    """One list of cells per registration; labels stay lazy and are spoken in the viewer's language by the helper."""
    for row, spoke_names in rows:
        yield [
            f"{row['user__first_name']} {row['user__last_name']}".strip(),
            row["user__email"],
            PROFESSIONS.get(row["user__profession"], ""),
            PROVINCES.get(row["user__province"], ""),
            "; ".join(spoke_names),
            row["session__series__title"],
            row["session__title"],
            row["session__starts_at"],
            STATUSES.get(row["status"], row["status"]),
            row["attended_minutes"],
            row["key_code"],
        ]


@login_required
def export(request, slug):
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    period = None
    if request.GET.get("from") or request.GET.get("to"):
        form = PeriodForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("The export period is not valid; correct it below and export again."))
            return redirect(f"{manage_url(hub, 'dashboard')}?{request.GET.urlencode()}")
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
    privacy.log_access(request, action=AccessLog.Action.HUB_EXPORT, detail=hub.slug)
    return csv_response(
        filename=f"{hub.slug}-participation-{timezone.localdate().isoformat()}.csv",
        header=header,
        rows=_cells(participation.export_rows(hub=hub, period=period)),
    )
