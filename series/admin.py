"""Django admin for programme staff: series with their sessions and keys, a schedule helper, cohort copies."""

from django.contrib import admin, messages
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certificates.admin_series import SeriesDocumentsMixin
from core.admin_i18n import BilingualAdmin, BilingualStackedInline, BilingualTabularInline
from enrollment import publishing
from enrollment.admin_capacity import promote_after_capacity_edit
from enrollment.admin_forms import EnrollmentKeyAdminForm, EnrollmentKeyFormSet
from enrollment.models import Enrollment, EnrollmentKey, Registration
from hubs.admin_scoping import HubScopedAdminMixin, HubScopedInlineMixin
from sessions.models import Session
from sessions.services import save_edited_session

from . import services
from .admin_programming import ProgrammingToolsMixin
from .models import Accreditation, Series


def _count_subquery(queryset, group_by: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


# Staff paste links without a scheme; assume https (Django 6 will, too).


class UpcomingOrPastFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Has upcoming sessions")), ("past", _("Only past sessions"))]

    def queryset(self, request, queryset):
        upcoming = Session.objects.filter(
            series=OuterRef("pk"), status=Session.Status.SCHEDULED, ends_at__gt=timezone.now()
        )
        if self.value() == "upcoming":
            return queryset.filter(Exists(upcoming))
        if self.value() == "past":
            return queryset.filter(~Exists(upcoming))
        return queryset


class SessionInline(HubScopedInlineMixin, BilingualTabularInline):
    """Title, time and capacity only, so the form fits the screen; the join link, presenters and materials are on
    each session's own page (the "change" link) or set for many at once with the schedule helper."""

    model = Session
    fields = ("title", "starts_at", "ends_at", "capacity", "status")
    readonly_fields = ("status",)
    extra = 0
    show_change_link = True
    ordering = ("starts_at",)


class EnrollmentKeyInline(HubScopedInlineMixin, admin.TabularInline):
    model = EnrollmentKey
    formset = EnrollmentKeyFormSet
    fields = ("code", "label", "hub", "valid_from", "valid_until", "max_uses", "uses_count", "is_active")
    readonly_fields = ("uses_count",)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = EnrollmentKeyAdminForm.for_user(request.user)
        return super().get_formset(request, obj, **kwargs)


class AccreditationInline(HubScopedInlineMixin, BilingualStackedInline):
    model = Accreditation
    extra = 0
    fieldsets = (
        (None, {"fields": (("body", "body_name"), ("credit_type", "category", "delivery"))}),
        (None, {"fields": (("credits_per_hour", "maximum"), "statement_en", "statement_fr")}),
        (
            None,
            {
                "fields": (
                    ("number", "valid_from", "valid_until"),
                    ("provider_name", "provider_contact"),
                    "accredited_as_certificate",
                    "position",
                )
            },
        ),
    )


@admin.register(Series)
class SeriesAdmin(HubScopedAdminMixin, ProgrammingToolsMixin, SeriesDocumentsMixin, BilingualAdmin):
    hub_lookup = "hub"
    hub_manager_actions = ("view", "add", "change")
    list_display = (
        "title",
        "hub",
        "kind",
        "language",
        "status",
        "registration_mode",
        "next_session",
        "members",
        "registrations",
    )
    # Related-only: a hub manager's filter lists their own hubs, not every hub of the network.
    list_filter = (
        ("hub", admin.RelatedOnlyFieldListFilter),
        "kind",
        "language",
        "status",
        "registration_mode",
        UpcomingOrPastFilter,
    )
    list_select_related = ("hub",)
    search_fields = ("title_en", "title_fr", "short_name_en", "short_name_fr", "slug", "keys__code")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [AccreditationInline, SessionInline, EnrollmentKeyInline]
    actions = ["publish", "unpublish", "duplicate_as_cohort", "issue_documents"]
    change_form_template = "admin/series/series/change_form.html"
    save_on_top = True
    fieldsets = (
        (
            None,
            {
                "fields": ("hub", "title", "slug", "short_name", "kind", "language", "status", "previous_cohort"),
                "description": _(
                    "Each text can be written in English and in French. The title is needed in the language of "
                    "the series; learners reading the other language see the text you gave when its field is empty."
                ),
            },
        ),
        (_("Description"), {"fields": ("summary", "description")}),
        (_("Audience"), {"fields": ("audience_description", "audience_professions", "audience_settings")}),
        (
            _("Attendance that counts"),
            {
                "fields": (("attendance_minimum_percent", "attendance_minimum_minutes"),),
                "description": _("Credits are earned for whole sessions attended past this threshold."),
            },
        ),
        (
            _("Registration"),
            {
                "fields": (
                    "registration_mode",
                    "approval_registers_all",
                    "uninvited_view",
                    "registration_opens_at",
                    "registration_closes_at",
                    "capacity",
                    "key_distributor",
                )
            },
        ),
        (_("Partners"), {"fields": ("cohosts",)}),
    )

    def get_queryset(self, request):
        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .annotate(
                next_session_starts_at=Subquery(
                    Session.objects.filter(series=OuterRef("pk"), status=Session.Status.SCHEDULED, ends_at__gt=now)
                    .order_by()
                    .values("series")
                    .annotate(first=Min("starts_at"))
                    .values("first")[:1]
                ),
                member_count=_count_subquery(
                    Enrollment.objects.filter(series=OuterRef("pk"), status=Enrollment.Status.ACTIVE), "series"
                ),
                registration_count=_count_subquery(
                    Registration.objects.filter(session__series=OuterRef("pk"), status=Registration.Status.REGISTERED),
                    "session__series",
                ),
            )
        )

    @admin.display(description=_("next session"), ordering="next_session_starts_at")
    def next_session(self, obj):
        from core.formatting import format_date

        return format_date(obj.next_session_starts_at) if obj.next_session_starts_at else "—"

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, obj):
        return obj.member_count

    @admin.display(description=_("registrations"), ordering="registration_count")
    def registrations(self, obj):
        return obj.registration_count

    def save_model(self, request, obj, form, change):
        # "Published" chosen in the form waits for the sessions and keys of the same form (saved after the
        # series): the series is saved as it was, and save_related publishes it if nothing is missing.
        if obj.status == Series.Status.PUBLISHED and (not change or "status" in form.changed_data):
            obj.status = form.initial.get("status", Series.Status.DRAFT) if change else Series.Status.DRAFT
            request.series_to_publish = obj
        super().save_model(request, obj, form, change)
        if change:
            promote_after_capacity_edit(self, request, form, series=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for session in formset.deleted_objects:
            session.delete()
        for session_form in formset.forms:
            if session_form in formset.deleted_forms or not session_form.has_changed():
                continue
            save_edited_session(session=session_form.instance, changed_fields=set(session_form.changed_data))
            if session_form.instance.pk and session_form.initial:
                promote_after_capacity_edit(self, request, session_form, session=session_form.instance)
        formset.save_m2m()
        return None

    # -- actions -----------------------------------------------------------------------------------

    @admin.action(description=_("Publish the selected series"), permissions=["change"])
    def publish(self, request, queryset):
        result = publishing.publish(series=list(queryset))
        if result.published or not result.refused:
            self.message_user(
                request,
                ngettext("%(count)d series published.", "%(count)d series published.", result.published)
                % {"count": result.published},
                messages.SUCCESS,
            )
        for series, missing in result.refused.items():
            self.message_user(
                request,
                _("“%(title)s” was not published: %(missing)s") % {"title": series.title, "missing": " ".join(missing)},
                messages.ERROR,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        series = getattr(request, "series_to_publish", None)
        if series is None:
            return
        result = publishing.publish(series=[series])
        if result.published:
            series.status = Series.Status.PUBLISHED
        for missing in result.refused.values():
            self.message_user(
                request,
                _("“%(title)s” was saved as a draft, not published: %(missing)s")
                % {"title": series.title, "missing": " ".join(missing)},
                messages.WARNING,
            )

    def view_on_site(self, obj):
        """Only a published series has a public page to show."""
        return obj.get_absolute_url() if obj.status == Series.Status.PUBLISHED else None

    @admin.action(description=_("Unpublish the selected series (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        changed = services.set_status(
            series_ids=list(queryset.values_list("pk", flat=True)), status=Series.Status.DRAFT
        )
        self.message_user(
            request,
            ngettext("%(count)d series unpublished.", "%(count)d series unpublished.", changed) % {"count": changed},
            messages.SUCCESS,
        )
