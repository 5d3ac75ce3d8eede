"""Staff admin: keys, and the registrants of a series or a session, filterable and exportable.

Seats and waitlists change only through `enrollment.services` (the move-from-waitlist
action too), so the admin never edits a status by hand. Each ModelAdmin names its
`hub_lookup` (the ORM path to the Hub) so hub managers can be scoped to their own hubs.
"""

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import privacy
from accounts.models import AccessLog
from core.csv_export import csv_response
from hubs.admin_scoping import HubScopedAdminMixin

from . import (
    admin_join_requests,  # noqa: F401 (registers the requests to join)
    services,
)
from .admin_attendance import AttendanceAdminMixin, AttendanceChangeInline
from .admin_columns import PERSON_HEADER, PersonColumnsMixin, person_cells, with_people
from .admin_forms import EnrollmentKeyAdminForm
from .models import Enrollment, EnrollmentKey, Registration


@admin.register(EnrollmentKey)
class EnrollmentKeyAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_manager_actions = ("view", "add", "change")
    hub_lookup = "series__hub"
    list_display = ("code", "series", "label", "hub", "valid_from", "valid_until", "uses", "is_active")
    list_filter = ("is_active", ("series", admin.RelatedOnlyFieldListFilter), ("hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("series", "hub")
    search_fields = ("code", "label", "series__title_en", "series__title_fr")
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
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "series__title_en",
        "series__title_fr",
        "key__code",
    )
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
        privacy.log_access(
            request, action=AccessLog.Action.REGISTRANT_EXPORT, detail=f"{self.model._meta.verbose_name_plural}"
        )
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


@admin.register(Registration)
class RegistrationAdmin(HubScopedAdminMixin, AttendanceAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
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
    search_fields = (
        "user__email",
        "user__first_name",
        "user__last_name",
        "session__title_en",
        "session__title_fr",
        "session__series__title_en",
    )
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

    @admin.display(description=_("key used"), ordering="key_code")
    def key_used(self, obj):
        return obj.key_code or ""

    @admin.action(description=_("Export the selected registrations as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        privacy.log_access(
            request, action=AccessLog.Action.REGISTRANT_EXPORT, detail=f"{self.model._meta.verbose_name_plural}"
        )
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


# Invitations to series by invitation only: their own module (the list, check and send page, the send-again action).
from . import admin_invitations  # noqa: E402, F401
