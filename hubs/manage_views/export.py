"""The participation export: one CSV row per registration of the hub's members, streamed."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Profession, Province
from enrollment import participation
from enrollment.models import Registration
from hubs import scoping
from hubs.forms import PeriodForm

from .common import manage_url


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
