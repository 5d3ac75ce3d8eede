"""Django admin for sessions, presenters and materials; time and status changes go through sessions.services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.admin_actions import action_form_response
from core.admin_i18n import BilingualAdmin, BilingualTabularInline
from enrollment.admin_capacity import promote_after_capacity_edit
from enrollment.models import Registration
from hubs.admin_scoping import HubManagerAccess, HubScopedAdminMixin, HubScopedInlineMixin

from . import services
from .admin_forms import ConfirmForm, RescheduleForm, ResourceAdminForm
from .models import Presenter, Resource, Session

# Staff paste links without a scheme; assume https (Django 6 will, too).


class UpcomingOrPastFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


class ResourceInline(HubScopedInlineMixin, BilingualTabularInline):
    form = ResourceAdminForm
    model = Resource
    fields = ("kind", "title", "url", "file", "text", "visibility", "published_at")
    extra = 0


@admin.register(Session)
class SessionAdmin(HubScopedAdminMixin, BilingualAdmin):
    hub_manager_actions = ("view", "add", "change")
    hub_lookup = "series__hub"
    list_display = ("title", "series", "when", "status", "registrations", "sequence")
    list_filter = (
        UpcomingOrPastFilter,
        "status",
        # Related-only: a hub manager's filter lists their own hubs, not every hub of the network.
        ("series__hub", admin.RelatedOnlyFieldListFilter),
        "series__kind",
        "series__language",
    )
    list_select_related = ("series",)
    search_fields = ("title_en", "title_fr", "series__title_en", "series__title_fr", "presenters__name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("series", "presenters")
    inlines = [ResourceInline]
    actions = ["reschedule", "cancel", "publish_materials"]
    ordering = ("-starts_at",)
    save_on_top = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                registration_count=Coalesce(
                    Subquery(
                        Registration.objects.filter(session=OuterRef("pk"), status=Registration.Status.REGISTERED)
                        .order_by()
                        .values("session")
                        .annotate(n=Count("pk"))
                        .values("n")[:1],
                        output_field=IntegerField(),
                    ),
                    Value(0),
                )
            )
        )

    def get_fields(self, request, obj=None):
        fields = ["series", "title", "description", "starts_at", "ends_at", "presenters", "join_url", "capacity"]
        return [*fields, "status", "sequence"] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        # A saved session is cancelled with the action, so everyone registered is told.
        return ("status", "sequence") if obj else ()

    @admin.display(description=_("starts"), ordering="starts_at")
    def when(self, obj):
        from core.formatting import format_session_when

        return format_session_when(obj.starts_at, obj.ends_at)

    @admin.display(description=_("registrations"), ordering="registration_count")
    def registrations(self, obj):
        return obj.registration_count

    def save_model(self, request, obj, form, change):
        services.save_edited_session(session=obj, changed_fields=set(form.changed_data) if change else set())
        if change:
            promote_after_capacity_edit(self, request, form, session=obj)

    @admin.action(description=_("Reschedule the selected session…"), permissions=["change"])
    def reschedule(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one session to reschedule."), messages.ERROR)
            return None
        session = queryset.get()
        if "apply" in request.POST:
            form = RescheduleForm(request.POST)
            if form.is_valid():
                try:
                    services.reschedule_session(
                        session=session, starts_at=form.cleaned_data["starts_at"], ends_at=form.cleaned_data["ends_at"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("“%(title)s” was rescheduled; registrants will receive the new time.")
                        % {"title": session.title},
                        messages.SUCCESS,
                    )
                    return None
        else:
            form = RescheduleForm(initial=RescheduleForm.initial_for(session))
        return action_form_response(
            self,
            request,
            queryset,
            form=form,
            action="reschedule",
            title=_("Reschedule “%(title)s”") % {"title": session.title},
            intro=_("Registrants receive an email with the new time and an updated calendar invitation."),
            submit=_("Reschedule"),
        )

    @admin.action(description=_("Cancel the selected sessions…"), permissions=["change"])
    def cancel(self, request, queryset):
        sessions = list(queryset.filter(status=Session.Status.SCHEDULED))
        if not sessions:
            self.message_user(request, _("The selected sessions are already cancelled."), messages.WARNING)
            return None
        form = ConfirmForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            for session in sessions:
                services.cancel_session(session=session)
            self.message_user(
                request,
                ngettext(
                    "%(count)d session was cancelled; registrants will be told.",
                    "%(count)d sessions were cancelled; registrants will be told.",
                    len(sessions),
                )
                % {"count": len(sessions)},
                messages.SUCCESS,
            )
            return None
        from core.formatting import format_session_when

        return action_form_response(
            self,
            request,
            queryset,
            form=form,
            action="cancel",
            title=_("Cancel sessions"),
            intro=_("Everyone registered receives a cancellation email and a calendar update."),
            summary=[f"{s.title}: {format_session_when(s.starts_at, s.ends_at)}" for s in sessions],
            submit=_("Cancel these sessions"),
        )

    @admin.action(description=_("Publish the materials of the selected sessions"), permissions=["change"])
    def publish_materials(self, request, queryset):
        published = sum(services.publish_resources(session=session) for session in queryset)
        self.message_user(
            request,
            ngettext("%(count)d item was published.", "%(count)d items were published.", published)
            % {"count": published},
            messages.SUCCESS,
        )


@admin.register(Presenter)
class PresenterAdmin(HubManagerAccess, BilingualAdmin):
    hub_manager_actions = ("view", "add")  # presenters are shared by every hub
    list_display = ("name", "credentials", "organisation", "session_count")
    search_fields = ("name", "organisation", "credentials")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions"))

    @admin.display(description=_("sessions"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total


class PublishedFilter(admin.SimpleListFilter):
    title = pgettext_lazy("a session resource", "published")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("yes", pgettext_lazy("a session resource's state", "Published")), ("no", _("Not published yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(published_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(published_at__isnull=True)
        return queryset


@admin.register(Resource)
class ResourceAdmin(HubScopedAdminMixin, BilingualAdmin):
    hub_manager_actions = ("view", "add", "change", "delete")
    form = ResourceAdminForm
    hub_lookup = "session__series__hub"
    list_display = ("__str__", "kind", "session", "visibility", "published_at")
    list_filter = ("kind", "visibility", PublishedFilter, ("session__series__hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("session",)
    search_fields = ("title_en", "title_fr", "session__title_en", "session__title_fr", "session__series__title_en")
    autocomplete_fields = ("session",)
    actions = ["publish"]

    @admin.action(description=_("Publish the selected materials"), permissions=["change"])
    def publish(self, request, queryset):
        published = services.publish_resource_items(resource_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d item was published.", "%(count)d items were published.", published)
            % {"count": published},
            messages.SUCCESS,
        )
