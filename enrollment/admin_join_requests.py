"""Requests to join a series by approval, in Django admin: staff approve or decline the selected ones, with a message.

Hub managers see only their hubs' series (`HubScopedAdminMixin`); decisions go through
`enrollment.services` like the hub portal's, so capacity, the waitlist and the emails follow the same rules.
"""

from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import action_form_response
from hubs.admin_scoping import HubScopedAdminMixin

from . import services
from .admin_columns import PersonColumnsMixin, with_people
from .forms import JoinDecisionForm
from .models import JoinRequest


@admin.register(JoinRequest)
class JoinRequestAdmin(HubScopedAdminMixin, PersonColumnsMixin, admin.ModelAdmin):
    hub_manager_actions = ("view", "change")
    hub_lookup = "series__hub"
    list_display = (
        "person_name",
        "person_email",
        "person_profession",
        "person_province",
        "person_settings",
        "person_organisation",
        "person_spokes",
        "series",
        "state",
        "requested_at",
        "short_note",
    )
    list_filter = ("state", ("series", admin.RelatedOnlyFieldListFilter), "user__profession", "user__province")
    search_fields = ("user__email", "user__first_name", "user__last_name", "series__title_en", "series__title_fr")
    fields = ("user", "series", "state", "note", "requested_at", "decided_at", "decided_by", "message")
    # A request changes only through the approve and decline actions (capacity, waitlist, the person's email).
    readonly_fields = fields
    actions = ["approve_selected", "decline_selected"]
    date_hierarchy = "requested_at"

    def get_queryset(self, request):
        return with_people(
            super().get_queryset(request).select_related("series", "decided_by"),
            hub_ids=self._visible_hub_ids(request),
        )

    def has_add_permission(self, request):
        return False  # clinicians ask from the series page

    @admin.display(description=_("organisation"), ordering="user__organisation")
    def person_organisation(self, obj):
        return obj.user.organisation

    @admin.display(description=_("note to the reviewers"))
    def short_note(self, obj):
        return Truncator(obj.note).chars(80)

    def _decide(self, request, queryset, *, action, decide, title, submit):
        form = JoinDecisionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            result = decide(
                request_ids=list(queryset.values_list("pk", flat=True)),
                by=request.user,
                message=form.cleaned_data["message"],
            )
            level = messages.SUCCESS if result.changed_anything else messages.WARNING
            for line in result.summary():
                self.message_user(request, line, level)
            return None
        count = queryset.count()
        waiting = queryset.filter(state=JoinRequest.State.PENDING).count()
        return action_form_response(
            self,
            request,
            queryset,
            form=form,
            action=action,
            title=title(count),
            intro=ngettext(
                "%(count)d of them is waiting for a decision; the others are left as they are. Each person "
                "decided is emailed, with your message if you write one.",
                "%(count)d of them are waiting for a decision; the others are left as they are. Each person "
                "decided is emailed, with your message if you write one.",
                waiting,
            )
            % {"count": waiting},
            submit=submit,
        )

    @admin.action(description=_("Approve the selected requests…"), permissions=["change"])
    def approve_selected(self, request, queryset):
        return self._decide(
            request,
            queryset,
            action="approve_selected",
            decide=services.approve_join_requests,
            title=lambda count: (
                ngettext("Approve %(count)d request to join", "Approve %(count)d requests to join", count)
                % {"count": count}
            ),
            submit=_("Approve and email them"),
        )

    @admin.action(description=_("Decline the selected requests…"), permissions=["change"])
    def decline_selected(self, request, queryset):
        return self._decide(
            request,
            queryset,
            action="decline_selected",
            decide=services.decline_join_requests,
            title=lambda count: (
                ngettext("Decline %(count)d request to join", "Decline %(count)d requests to join", count)
                % {"count": count}
            ),
            submit=_("Decline and email them"),
        )
