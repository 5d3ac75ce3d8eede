"""Attendance in the registrants admin: a platform's participant report imported, and staff adjustments with a reason.

`RegistrationAdmin` lists `AttendanceAdminMixin` among its bases; the numbers themselves are
recorded by `enrollment.services` (attendance), which keeps each staff change beside the
imported value.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certificates import services as certificate_services
from certificates.admin import issue_message
from core.admin_actions import action_form_response
from core.formatting import format_date
from hubs.admin_scoping import HubScopedInlineMixin
from sessions.models import Session

from . import services
from .attendance import ParticipantReportError, parse_participant_report
from .models import AttendanceChange


class SessionChoiceField(forms.ModelChoiceField):
    """Sessions named with their series and date: "Long-Term Care CoP – Introductory Session (Monday, …)", since
    several series have a session of the same title."""

    def label_from_instance(self, session):
        return f"{session.series.title} – {session.title} ({format_date(session.starts_at)})"


class AttendanceReportForm(forms.Form):
    """A past session and the participant report its video platform exported."""

    MAX_BYTES = 5 * 1024 * 1024  # a report of a few thousand participants is well under 1 MB

    session = SessionChoiceField(queryset=Session.objects.none(), label=_("Session"))
    report = forms.FileField(
        label=_("participant report"),
        help_text=_(
            "The CSV file of participants your video platform exports (in Zoom: Reports › Usage › Participants). "
            "It needs an email column and a minutes column."
        ),
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions

    def clean_report(self) -> list[tuple[str, int]]:
        upload = self.cleaned_data["report"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB: is it really a participant report?"))
        try:
            return parse_participant_report(upload.read())
        except ParticipantReportError as error:
            raise forms.ValidationError(error.message) from None


class AdjustAttendanceForm(forms.Form):
    """Present, absent or a number of minutes for the selected registrants, and why (kept with the record)."""

    MARKS = [
        (services.attendance.PRESENT, _("Present for the whole session")),
        (services.attendance.ABSENT, _("Absent")),
        ("minutes", _("This many minutes:")),
    ]

    mark = forms.ChoiceField(label=_("attendance"), choices=MARKS, widget=forms.RadioSelect)
    minutes = forms.IntegerField(
        label=_("minutes"),
        required=False,
        min_value=0,
        max_value=24 * 60,
        help_text=_("Only with “This many minutes”."),
    )
    reason = forms.CharField(
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept with the record, for example: joined by telephone, confirmed by the facilitator."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mark") == "minutes" and cleaned.get("minutes") is None:
            self.add_error("minutes", _("Give the number of minutes."))
        return cleaned


class AttendanceChangeInline(HubScopedInlineMixin, admin.TabularInline):
    model = AttendanceChange
    fields = ("changed_at", "changed_by", "minutes_before", "minutes_after", "imported_minutes", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("attendance changed by staff")

    def has_add_permission(self, request, obj=None):
        return False  # changes are made with the "Adjust attendance" action, which asks for a reason

    def has_change_permission(self, request, obj=None):
        return False


class AttendanceAdminMixin:
    """The import page, the attendance column and the "Adjust attendance" action of the registrants admin."""

    def get_urls(self):
        return [
            path(
                "record-attendance/",
                self.admin_site.admin_view(self.record_attendance_view),
                name="enrollment_registration_record_attendance",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_record_attendance": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def _attendance_sessions(self, request):
        """Sessions that have taken place and were held, among those this person may see."""
        sessions = Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__lte=timezone.now())
        if self._scoped(request):
            sessions = sessions.filter(series__hub__in=self._hub_ids(request))
        return sessions.select_related("series").order_by("-starts_at")

    def record_attendance_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = AttendanceReportForm(
            request.POST or None, request.FILES or None, sessions=self._attendance_sessions(request)
        )
        if request.method == "POST" and form.is_valid():
            session = form.cleaned_data["session"]
            result = services.record_attendance(session=session, rows=form.cleaned_data["report"])
            self.message_user(request, self._attendance_summary(result), messages.SUCCESS)
            self._issue_documents_if_complete(request, [session.series])
            changelist = reverse("admin:enrollment_registration_changelist")
            return HttpResponseRedirect(f"{changelist}?session__id__exact={session.pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Record attendance from a CSV"),
            "form": form,
        }
        return TemplateResponse(request, "admin/enrollment/registration/record_attendance.html", context)

    def _issue_documents_if_complete(self, request, series_list) -> None:
        """Once a series' last session has its attendance, its documents are issued (or corrected) at once."""
        for series in series_list:
            result = certificate_services.issue_if_series_complete(series=series)
            if result is not None and (result.issued or result.reissued):
                self.message_user(request, f"{series.title}: {issue_message(result)}", messages.INFO)

    @staticmethod
    def _attendance_summary(result: services.AttendanceResult) -> str:
        summary = ngettext(
            "Attendance recorded for %(count)d registrant.",
            "Attendance recorded for %(count)d registrants.",
            result.matched,
        ) % {"count": result.matched}
        outside = sorted({*result.unmatched, *result.not_registered})
        if outside:
            summary += " " + ngettext(
                "%(count)d person in the report is not registered: %(emails)s",
                "%(count)d people in the report are not registered: %(emails)s",
                len(outside),
            ) % {"count": len(outside), "emails": ", ".join(outside)}
        if result.absent:
            summary += " " + ngettext(
                "%(count)d registrant not in the report was recorded absent.",
                "%(count)d registrants not in the report were recorded absent.",
                result.absent,
            ) % {"count": result.absent}
        if result.kept_adjusted:
            summary += " " + ngettext(
                "%(count)d registrant keeps the attendance staff set by hand.",
                "%(count)d registrants keep the attendance staff set by hand.",
                result.kept_adjusted,
            ) % {"count": result.kept_adjusted}
        return summary

    @admin.display(description=_("minutes attended"), ordering="attended_minutes")
    def attendance(self, obj):
        if obj.attended_minutes is None:
            return "—"
        if obj.attendance_adjusted_at is not None:
            return _("%(minutes)d (adjusted by staff)") % {"minutes": obj.attended_minutes}
        return str(obj.attended_minutes)

    @admin.action(description=_("Adjust attendance of the selected registrants…"), permissions=["change"])
    def adjust_attendance(self, request, queryset):
        form = AdjustAttendanceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            mark = form.cleaned_data["mark"]
            result = services.adjust_attendance(
                registration_ids=list(queryset.values_list("pk", flat=True)),
                mark=None if mark == "minutes" else mark,
                minutes=form.cleaned_data["minutes"] if mark == "minutes" else None,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            self.message_user(
                request,
                ngettext(
                    "Attendance changed for %(count)d registrant; the reason is kept with the record.",
                    "Attendance changed for %(count)d registrants; the reason is kept with the record.",
                    len(result.changed),
                )
                % {"count": len(result.changed)},
                messages.SUCCESS,
            )
            changed_series = {
                registration.session.series_id: registration.session.series for registration in result.changed
            }
            self._issue_documents_if_complete(request, list(changed_series.values()))
            skipped = result.skipped_not_registered + result.skipped_not_held
            if skipped:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d selected person was left as is: not registered, or the session is not over.",
                        "%(count)d selected people were left as they are: not registered, or the session is not over.",
                        skipped,
                    )
                    % {"count": skipped},
                    messages.WARNING,
                )
            return None
        count = queryset.count()
        return action_form_response(
            self,
            request,
            queryset,
            form=form,
            action="adjust_attendance",
            title=ngettext(
                "Adjust the attendance of %(count)d registrant",
                "Adjust the attendance of %(count)d registrants",
                count,
            )
            % {"count": count},
            intro=_(
                "The change, your name, the time and the reason are kept with each registration, next to what the "
                "participant report said. A later import of the report keeps what you set."
            ),
            submit=_("Change the attendance"),
        )
