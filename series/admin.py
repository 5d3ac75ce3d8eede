"""Django admin for programme staff: series with their sessions and keys, a schedule helper, cohort copies."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import action_form_response
from enrollment import services as enrollment_services
from enrollment.admin_capacity import promote_after_capacity_edit
from enrollment.admin_forms import EnrollmentKeyAdminForm, EnrollmentKeyFormSet
from enrollment.models import Enrollment, EnrollmentKey, Registration
from enrollment.services.cohorts import duplicate_as_cohort
from hubs.admin_scoping import HubScopedAdminMixin, HubScopedInlineMixin
from sessions import schedule
from sessions.models import Session
from sessions.services import save_edited_session

from . import services
from .admin_forms import DuplicateCohortForm, ScheduleForm
from .models import Accreditation, Series


def _count_subquery(queryset, group_by: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


# Staff paste links without a scheme; assume https (Django 6 will, too).
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


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


class SessionInline(HubScopedInlineMixin, admin.TabularInline):
    formfield_overrides = HTTPS_LINKS
    model = Session
    fields = ("title", "starts_at", "ends_at", "join_url", "capacity", "status", "sequence")
    readonly_fields = ("status", "sequence")
    extra = 0
    show_change_link = True
    ordering = ("starts_at",)


class EnrollmentKeyInline(HubScopedInlineMixin, admin.TabularInline):
    formfield_overrides = HTTPS_LINKS
    model = EnrollmentKey
    formset = EnrollmentKeyFormSet
    fields = ("code", "label", "hub", "valid_from", "valid_until", "max_uses", "uses_count", "is_active")
    readonly_fields = ("uses_count",)
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = EnrollmentKeyAdminForm.for_user(request.user)
        return super().get_formset(request, obj, **kwargs)


class AccreditationInline(HubScopedInlineMixin, admin.StackedInline):
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
class SeriesAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_LINKS
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
    list_filter = ("hub", "kind", "language", "status", "registration_mode", UpcomingOrPastFilter)
    list_select_related = ("hub",)
    search_fields = ("title", "short_name", "slug", "summary", "keys__code")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [AccreditationInline, SessionInline, EnrollmentKeyInline]
    actions = ["publish", "unpublish", "duplicate_as_cohort"]
    change_form_template = "admin/series/series/change_form.html"
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("hub", "title", "slug", "short_name", "kind", "language", "status", "previous_cohort")}),
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
        changed = services.set_status(
            series_ids=list(queryset.values_list("pk", flat=True)), status=Series.Status.PUBLISHED
        )
        self.message_user(
            request,
            ngettext("%(count)d series published.", "%(count)d series published.", changed) % {"count": changed},
            messages.SUCCESS,
        )

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

    @admin.action(description=_("Duplicate as a new cohort…"), permissions=["add"])
    def duplicate_as_cohort(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one series to duplicate."), messages.ERROR)
            return None
        source = queryset.get()
        if "apply" in request.POST:
            form = DuplicateCohortForm(request.POST, source=source, user=request.user)
            if form.is_valid():
                try:
                    copy = duplicate_as_cohort(
                        series=source,
                        title=form.cleaned_data["title"],
                        slug=form.cleaned_data["slug"],
                        weeks=form.cleaned_data["weeks"],
                        key_code=form.cleaned_data["key_code"],
                        key_label=form.cleaned_data["key_label"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("“%(title)s” was created as a draft with %(count)d sessions. Check it, then publish it.")
                        % {"title": copy.title, "count": copy.sessions.count()},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:series_series_change", args=[copy.pk]))
        else:
            form = DuplicateCohortForm(
                source=source,
                initial={
                    "title": _("%(title)s (new cohort)") % {"title": source.title},
                    "slug": slugify(f"{source.slug[:100]}-new-cohort"),
                    "key_code": enrollment_services.generate_key(),
                    "key_label": _("New cohort"),
                },
            )
        return self.action_form_response(
            request,
            queryset,
            form=form,
            action="duplicate_as_cohort",
            title=_("Duplicate “%(title)s” as a new cohort") % {"title": source.title},
            intro=_(
                "The copy is a draft with the same settings and every session moved by the number of weeks you "
                "choose. Registrations and members are not copied."
            ),
            submit=_("Create the new cohort"),
        )

    def action_form_response(self, request, queryset, **kwargs):
        return action_form_response(self, request, queryset, **kwargs)

    # -- schedule helper ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/schedule/",
                self.admin_site.admin_view(self.schedule_view),
                name="series_series_schedule",
            ),
            *super().get_urls(),
        ]

    def schedule_view(self, request, object_id):
        series = self.get_object(request, object_id)
        if series is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_change_permission(request, series):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = ScheduleForm(request.POST or None)
        occurrences = []
        if request.method == "POST" and form.is_valid():
            try:
                occurrences = schedule.plan_schedule(
                    first_date=form.cleaned_data["first_date"],
                    start_time=form.cleaned_data["start_time"],
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    rule=form.cleaned_data["rule"],
                    count=form.cleaned_data["count"],
                    until=form.cleaned_data["until"],
                )
                if not occurrences:
                    raise ValidationError(_("These settings give no session: check the dates."))
                if "create" in request.POST:
                    created = schedule.create_scheduled_sessions(
                        series=series,
                        occurrences=occurrences,
                        title=form.cleaned_data["title"],
                        join_url=form.cleaned_data["join_url"],
                    )
                    self.message_user(
                        request,
                        ngettext("%(count)d session was created.", "%(count)d sessions were created.", len(created))
                        % {"count": len(created)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:series_series_change", args=[series.pk]))
            except ValidationError as error:
                form.add_error(None, error)
                occurrences = []
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": series,
            "title": _("Schedule sessions for “%(title)s”") % {"title": series.title},
            "form": form,
            "occurrences": occurrences,
        }
        return TemplateResponse(request, "admin/series/series/schedule.html", context)
