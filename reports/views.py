"""The reach dashboard and the semi-annual report: national for programme staff (/staff/reach/), and each hub's
own for its managers and facilitators (/hubs/<slug>/manage/reach/, through hubs.scoping).

Thin views: the period comes from ReachPeriodForm, every figure from reports.reach, the charts from
reports.charts. Each table downloads as CSV with the same small-cell rule as on the page.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.csv_export import csv_response
from hubs import scoping
from hubs.admin_scoping import is_national_staff
from hubs.models import Hub, HubMembership

from . import charts, periods
from .evaluations import evaluation_summary
from .forms import ReachPeriodForm
from .pdf import render_report_pdf
from .reach import Reach, headline, participation_span, reach


@dataclass(frozen=True)
class Scope:
    """National (every participation) or one hub's (its spokes' members)."""

    hub: Hub | None = None

    def url(self, name: str, *args) -> str:
        if self.hub is None:
            return reverse(f"reports:{name}", args=args)
        return reverse(f"reports_hub:{name}", args=[self.hub.slug, *args])

    def context(self) -> dict:
        if self.hub is None:
            return {"layout": "reports/_staff_layout.html"}
        return {
            "layout": "hubs/manage/_layout.html",
            "hub": self.hub,
            "is_manager": self.hub.viewer_role == HubMembership.Role.MANAGER,
        }

    @property
    def file_prefix(self) -> str:
        return f"reach-{self.hub.slug}" if self.hub else "reach"


def _staff(request) -> Scope:
    if not is_national_staff(request.user):
        raise PermissionDenied
    return Scope()


def _hub(request, slug: str) -> Scope:
    return Scope(hub=scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW))


# By default the dashboard shows a fiscal year and the report a half-year: the current ones, or the last ones
# with participations when nothing was attended since (a new site, or a demo of past sessions).
YEAR, HALF = periods.latest_fiscal_year, periods.latest_complete_half


def _figures(request, scope: Scope, *, default=YEAR):
    span = participation_span(hub=scope.hub)
    first, last = span if span else (None, None)
    form = ReachPeriodForm(request.GET or None, default=default(last), presets=periods.presets_since(first))
    period, chosen = form.chosen()
    return form, reach(period=period, hub=scope.hub), chosen


def figures_context(request, scope: Scope, *, default=YEAR) -> dict:
    """What the dashboard and the report show, for the national view and a hub's alike."""
    form, figures, chosen = _figures(request, scope, default=default)
    return {
        **scope.context(),
        "scope": scope,
        "form": form,
        "figures": figures,
        "period": figures.period,
        "preset": chosen,
        "headline": headline(figures.totals),
        "trend_chart": charts.monthly_bars(figures.trend, title=_("Participations per month")),
        "query": form.data.urlencode() if form.is_bound else f"period={chosen.key}",
        "csv_prefix": scope.url("dashboard"),
    }


def _dashboard(request, scope: Scope):
    return render(request, "reports/dashboard.html", figures_context(request, scope))


def report_context(request, scope: Scope) -> dict:
    """The semi-annual report: by default the last half-year that has ended, with its evaluation summary."""
    context = figures_context(request, scope, default=HALF)
    context.update(
        evaluation=evaluation_summary(period=context["period"], hub=scope.hub), generated_on=timezone.localdate()
    )
    return context


def _report(request, scope: Scope):
    return render(request, "reports/report.html", report_context(request, scope))


def _report_pdf(request, scope: Scope):
    context = report_context(request, scope)
    period = context["period"]
    filename = f"{scope.file_prefix}-report-{period.start.isoformat()}-{period.end.isoformat()}.pdf"
    response = HttpResponse(render_report_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def _table_csv(request, scope: Scope, key: str):
    _form, figures, _chosen = _figures(request, scope)
    header, rows = table_rows(figures, key)
    period = figures.period
    filename = f"{scope.file_prefix}-{key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return csv_response(filename=filename, header=header, rows=rows)


@login_required
def dashboard(request):
    return _dashboard(request, _staff(request))


@login_required
def report(request):
    return _report(request, _staff(request))


@login_required
def report_pdf(request):
    return _report_pdf(request, _staff(request))


@login_required
def table_csv(request, key: str):
    return _table_csv(request, _staff(request), key)


@login_required
def hub_dashboard(request, slug: str):
    return _dashboard(request, _hub(request, slug))


@login_required
def hub_report(request, slug: str):
    return _report(request, _hub(request, slug))


@login_required
def hub_report_pdf(request, slug: str):
    return _report_pdf(request, _hub(request, slug))


@login_required
def hub_table_csv(request, slug: str, key: str):
    return _table_csv(request, _hub(request, slug), key)
