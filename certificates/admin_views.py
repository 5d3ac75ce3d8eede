"""The admin page of a series' credits: who qualifies and why not, their documents, issuing, and the CSV.

Reached from the series' change page (SeriesAdmin routes it here, with its own permission checks).
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.csv_export import csv_response
from enrollment.models import UnseatedAttendance
from series.models import Series

from . import services
from .admin import issue_message
from .content import Standing, learner_outcomes, series_for_issuing
from .models import Certificate

STANDING_TEXT = {
    Standing.QUALIFIES: lambda series: _("Qualifies"),
    Standing.BELOW_THRESHOLD: lambda series: (
        _("Does not qualify: no session reached the threshold (%(rule)s)") % {"rule": series.attendance_rule}
    ),
    Standing.NOT_RECORDED: lambda series: _("Does not qualify yet: no attendance recorded"),
}


def _rows(series: Series):
    outcomes = sorted(
        learner_outcomes(series=series), key=lambda o: (not o.qualifies, o.user.last_name, o.user.first_name)
    )
    documents = {c.user_id: c for c in Certificate.objects.filter(series=series)}
    for outcome in outcomes:
        yield {
            "outcome": outcome,
            "standing": STANDING_TEXT[outcome.standing](series),
            "held": len(outcome.registrations),
            "document": documents.get(outcome.user.pk),
        }


def series_credits(model_admin, request, series: Series, *, can_issue: bool):
    series = series_for_issuing(series.pk)
    if request.method == "POST" and can_issue:
        result = services.issue_for_series(series=series)
        model_admin.message_user(request, issue_message(result), messages.SUCCESS)
        return HttpResponseRedirect(request.path)
    rows = list(_rows(series))
    accreditations = list(series.accreditations.all())
    if request.GET.get("format") == "csv":
        header = [
            _("last name"),
            _("first name"),
            _("email"),
            _("licence or CFPC number"),
            _("profession"),
            _("sessions attended"),
            _("hours counted"),
            *[_("%(body)s credits") % {"body": a.body_label} for a in accreditations],
            _("standing"),
            _("document number"),
            _("document state"),
        ]
        data = (
            [
                row["outcome"].user.last_name,
                row["outcome"].user.first_name,
                row["outcome"].user.email,
                row["outcome"].user.licence_number,
                row["outcome"].user.get_profession_display(),
                row["outcome"].credits.sessions_counted,
                f"{row['outcome'].credits.counted_minutes / 60:.2f}",
                *[f"{item.credits:.2f}" for item in row["outcome"].credits.earned],
                row["standing"],
                row["document"].number if row["document"] else "",
                row["document"].get_state_display() if row["document"] else "",
            ]
            for row in rows
        )
        return csv_response(filename=f"credits-{series.slug}.csv", header=header, rows=data)
    unseated = UnseatedAttendance.objects.filter(session__series=series).select_related("session")
    context = {
        **model_admin.admin_site.each_context(request),
        "unseated": list(unseated.order_by("email", "session__starts_at")),
        "opts": model_admin.model._meta,
        "original": series,
        "title": _("Credits and documents of “%(title)s”") % {"title": series.title},
        "rows": rows,
        "accreditations": accreditations,
        "qualifying": sum(1 for row in rows if row["outcome"].qualifies),
        "can_issue": can_issue,
    }
    return TemplateResponse(request, "admin/certificates/series_credits.html", context)
