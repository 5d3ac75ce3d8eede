"""The national reach dashboard (/staff/reach/) and the semi-annual report, for programme staff.

Thin views: the period comes from ReachPeriodForm, every figure from reports.reach, the charts from
reports.charts. Each table downloads as CSV with the same small-cell rule as on the page.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.csv_export import csv_response
from hubs.admin_scoping import is_national_staff

from . import charts, periods
from .evaluations import evaluation_summary
from .forms import ReachPeriodForm
from .reach import Reach, headline, reach


def _require_staff(request) -> None:
    if not is_national_staff(request.user):
        raise PermissionDenied


def _figures(request, *, default: periods.Preset, hub=None) -> tuple[ReachPeriodForm, Reach, periods.Preset | None]:
    form = ReachPeriodForm(request.GET or None, default=default)
    period, chosen = form.chosen()
    return form, reach(period=period, hub=hub), chosen


def figures_context(
    *, form: ReachPeriodForm, figures: Reach, chosen: periods.Preset | None, csv_prefix: str = ""
) -> dict:
    """What the dashboard and the report templates show, for the national view and a hub's alike."""
    return {
        "csv_prefix": csv_prefix,
        "form": form,
        "figures": figures,
        "period": figures.period,
        "preset": chosen,
        "headline": headline(figures.totals),
        "trend_chart": charts.monthly_bars(figures.trend, title=_("Participations per month")),
        "query": form.data.urlencode() if form.is_bound else f"period={chosen.key}" if chosen else "",
    }


@login_required
def dashboard(request):
    _require_staff(request)
    form, figures, chosen = _figures(request, default=periods.current_fiscal_year())
    context = figures_context(form=form, figures=figures, chosen=chosen, csv_prefix=reverse("reports:dashboard"))
    return render(request, "reports/dashboard.html", context)


@login_required
def report(request):
    """The semi-annual report as a printable page: by default the last half-year that has ended."""
    _require_staff(request)
    form, figures, chosen = _figures(request, default=periods.last_complete_half())
    context = figures_context(form=form, figures=figures, chosen=chosen, csv_prefix=reverse("reports:dashboard"))
    context.update(evaluation=evaluation_summary(period=figures.period), generated_on=timezone.localdate())
    return render(request, "reports/report.html", context)


def table_rows(figures: Reach, key: str) -> tuple[list[str], list[list]]:
    """The header and rows of one table of the dashboard, as its CSV gives them."""
    fewer = _("fewer than 5")
    if key == "summary":
        totals = figures.totals
        header = [_("Figure"), _("Value")]
        rows = [
            [_("Participations"), totals.participations],
            [_("Unique participants"), totals.participants],
            [_("Sessions"), totals.sessions],
            [_("New participants"), totals.new_participants],
            [_("Participants in rural or remote practice (%)"), totals.rural_percent],
            [_("Headline"), headline(totals)],
        ]
        return header, rows
    if key == "trend":
        header = [_("Month"), _("Participations"), _("Unique participants")]
        return header, [[row.month.strftime("%Y-%m"), row.participations, row.participants] for row in figures.trend]
    table = next((table for table in figures.tables if table.key == key), None)
    if table is None:
        raise Http404("No such table.")
    header = [table.heading, _("Participations"), _("Unique participants")]
    rows = [
        [row.label, fewer, fewer] if row.suppressed else [row.label, row.participations, row.participants]
        for row in table.rows
    ]
    return header, rows


def csv_download(request, *, figures: Reach, key: str, prefix: str):
    header, rows = table_rows(figures, key)
    period = figures.period
    filename = f"{prefix}-{key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return csv_response(filename=filename, header=header, rows=rows)


@login_required
def table_csv(request, key: str):
    _require_staff(request)
    _, figures, _chosen = _figures(request, default=periods.current_fiscal_year())
    return csv_download(request, figures=figures, key=key, prefix="reach")
