"""Staff admin: keys, and the registrants of a series or a session, filterable and exportable.

Seats and waitlists change only through `enrollment.services` (the move-from-waitlist
action too), so the admin never edits a status by hand. Each ModelAdmin names its
`hub_lookup` (the ORM path to the Hub) so hub managers can be scoped to their own hubs.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import action_form_response
from core.csv_export import csv_response
from hubs.admin_scoping import HubScopedAdminMixin, HubScopedInlineMixin
from sessions.models import Session

from . import services
from .admin_columns import PERSON_HEADER, PersonColumnsMixin, person_cells, with_people
from .admin_forms import EnrollmentKeyAdminForm
from .attendance import ParticipantReportError, parse_participant_report
from .models import AttendanceChange, Enrollment, EnrollmentKey, Registration


@admin.register(EnrollmentKey)
class EnrollmentKeyAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_manager_actions = ("view", "add", "change")
    hub_lookup = "series__hub"
    list_display = ("code", "series", "label", "hub", "valid_from", "valid_until", "uses", "is_active")
    list_filter = ("is_active", ("series", admin.RelatedOnlyFieldListFilter), ("hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("series", "hub")
    search_fields = ("code", "label", "series__title")
    readonly_fields = ("uses_count", "created_at")
    fields = ("series", "code", "label", "hub", "valid_from", "valid_until", "max_uses", "is_active", "uses_count")

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = EnrollmentKeyAdminForm.for_user(request.user)
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("uses"), ordering="uses_count")
    def uses(self, obj):
        return f"{obj.uses_count} / {obj.max_uses}" if obj.max_uses else str(obj.uses_count)


@admin.register(Enrollment)
class EnrollmentAdmin(HubScopedAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
    hub_manager_actions = ("view",)
    hub_lookup = "series__hub"
    list_display = (
        "person_name",
        "person_email",
        "person_profession",
        "person_province",
        "person_settings",
        "person_spokes",
        "series",
        "status",
        "enrolled_at",
        "key",
    )
    list_filter = (
        ("series", admin.RelatedOnlyFieldListFilter),
        "status",
        "user__profession",
        "user__province",
    )
    search_fields = ("user__email", "user__first_name", "user__last_name", "series__title", "key__code")
    readonly_fields = ("user", "series", "key", "status", "enrolled_at", "waitlisted_at", "updated_at")
    actions = ["export_csv"]
    date_hierarchy = "enrolled_at"

    def get_queryset(self, request):
        return with_people(
            super().get_queryset(request).select_related("series", "key"), hub_ids=self._visible_hub_ids(request)
        )

    def has_add_permission(self, request):
        return False  # learners enroll themselves, through the key rules

    @admin.action(description=_("Export the selected enrollments as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            *PERSON_HEADER,
            _("series"),
            _("status"),
            _("enrolled"),
            _("key used"),
        ]
        rows = (
            [
                *person_cells(e.user),
                e.series.title,
                e.get_status_display(),
                e.enrolled_at,
                e.key.code if e.key else "",
            ]
            for e in queryset.order_by("series__title", "enrolled_at").iterator(chunk_size=500)
        )
        return csv_response(filename="enrollments.csv", header=header, rows=rows)


class AttendanceReportForm(forms.Form):
    """A past session and the participant report its video platform exported."""

    MAX_BYTES = 5 * 1024 * 1024  # a report of a few thousand participants is well under 1 MB

    session = forms.ModelChoiceField(queryset=Session.objects.none(), label=_("session"))
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


@admin.register(Registration)
class RegistrationAdmin(HubScopedAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
    hub_manager_actions = ("view",)
    hub_lookup = "session__series__hub"
    list_display = (
        "person_name",
        "person_email",
        "person_profession",
        "person_province",
        "person_settings",
        "person_spokes",
        "session",
        "status",
        "registered_at",
        "key_used",
        "attendance",
    )
    list_filter = (
        ("session__series", admin.RelatedOnlyFieldListFilter),
        ("session", admin.RelatedOnlyFieldListFilter),
        "status",
        "user__profession",
        "user__province",
    )
    search_fields = ("user__email", "user__first_name", "user__last_name", "session__title", "session__series__title")
    fields = (
        "user",
        "session",
        "status",
        "registered_at",
        "waitlisted_at",
        "status_changed_at",
        "attended_minutes",
        "imported_minutes",
        "attendance_adjusted_at",
    )
    # Attendance changes only through the report import or the "Adjust attendance" action (with a reason).
    readonly_fields = fields
    inlines = [AttendanceChangeInline]
    actions = ["export_csv", "move_from_waitlist", "adjust_attendance"]
    date_hierarchy = "registered_at"
    change_list_template = "admin/enrollment/registration/change_list.html"

    def get_queryset(self, request):
        key_code = Enrollment.objects.filter(user=OuterRef("user"), series=OuterRef("session__series")).values(
            "key__code"
        )[:1]
        return with_people(
            super().get_queryset(request).select_related("session__series").annotate(key_code=Subquery(key_code)),
            hub_ids=self._visible_hub_ids(request),
        )

    def has_add_permission(self, request):
        return False  # seats are taken through the capacity rules, never typed in

    # -- attendance from a participant report ------------------------------------------------------

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
            changelist = reverse("admin:enrollment_registration_changelist")
            return HttpResponseRedirect(f"{changelist}?session__id__exact={session.pk}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Record attendance from a CSV"),
            "form": form,
        }
        return TemplateResponse(request, "admin/enrollment/registration/record_attendance.html", context)

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

    @admin.display(description=_("key used"), ordering="key_code")
    def key_used(self, obj):
        return obj.key_code or ""

    @admin.action(description=_("Export the selected registrations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        header = [
            *PERSON_HEADER,
            _("series"),
            _("session"),
            _("starts"),
            _("status"),
            _("registered"),
            _("key used"),
            _("minutes attended"),
            _("minutes in the participant report"),
        ]
        rows = (
            [
                *person_cells(r.user),
                r.session.series.title,
                r.session.title,
                r.session.starts_at,
                r.get_status_display(),
                r.registered_at,
                r.key_code or "",
                r.attended_minutes,
                r.imported_minutes,
            ]
            for r in queryset.order_by("session__starts_at", "status", "registered_at").iterator(chunk_size=500)
        )
        return csv_response(filename="registrations.csv", header=header, rows=rows)

    @admin.action(description=_("Move the selected people from the waitlist"), permissions=["change"])
    def move_from_waitlist(self, request, queryset):
        moved = 0
        skipped = 0
        for registration in queryset.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk"):
            try:
                services.move_from_waitlist(registration=registration)
            except services.EnrollmentError:
                skipped += 1
            else:
                moved += 1
        skipped += queryset.exclude(status=Registration.Status.WAITLISTED).count()
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person was moved from the waitlist and told by email.",
                    "%(count)d people were moved from the waitlist and told by email.",
                    moved,
                )
                % {"count": moved},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected person was not on the waitlist and was left as is.",
                    "%(count)d selected people were not on the waitlist and were left as they are.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
