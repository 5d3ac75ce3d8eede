"""Staff see every document issued with its state, revoke or reinstate them, and issue again after a correction."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import action_form_response
from hubs.admin_scoping import HubScopedAdminMixin
from series.models import Series

from . import services
from .models import Certificate


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the document, for example: attendance recorded for the wrong person."),
    )


def issue_message(result: services.IssueResult) -> str:
    """What an issuing run did, in one sentence for staff."""
    parts = [
        ngettext("%(count)d document issued", "%(count)d documents issued", len(result.issued))
        % {"count": len(result.issued)},
        ngettext("%(count)d issued again after a change", "%(count)d issued again after a change", len(result.reissued))
        % {"count": len(result.reissued)},
        ngettext("%(count)d already up to date", "%(count)d already up to date", result.unchanged)
        % {"count": result.unchanged},
    ]
    if result.revoked_skipped:
        parts.append(
            ngettext("%(count)d revoked (left revoked)", "%(count)d revoked (left revoked)", result.revoked_skipped)
            % {"count": result.revoked_skipped}
        )
    if result.not_qualified:
        parts.append(
            ngettext(
                "%(count)d registrant does not qualify",
                "%(count)d registrants do not qualify",
                result.not_qualified,
            )
            % {"count": result.not_qualified}
        )
    return "; ".join(parts) + ". " + str(_("Each learner issued a document was emailed the link."))


@admin.register(Certificate)
class CertificateAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_lookup = "series__hub"
    hub_manager_actions = ("view",)
    list_display = ("number", "learner_name", "series", "kind", "state", "credits", "issued_at", "reissue", "pdf")
    list_filter = ("state", "kind", "reissue", ("series", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("series",)
    search_fields = ("number", "learner_name", "user__email", "series__title")
    date_hierarchy = "issued_at"
    fields = (
        "number",
        "user",
        "series",
        "kind",
        "state",
        "learner_name",
        "credits",
        "first_issued_at",
        "issued_at",
        "revision",
        "reissue",
        "revoked_at",
        "revoked_reason",
        "pdf",
    )
    readonly_fields = fields
    actions = ["revoke", "reinstate", "issue_again"]

    def has_add_permission(self, request):
        return False  # documents are issued from attendance, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # a document someone may have shown is revoked, never deleted

    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        return format_html(
            '<a href="{}?language=en">EN</a> · <a href="{}?language=fr">FR</a>',
            obj.get_download_url(),
            obj.get_download_url(),
        )

    @admin.action(description=_("Revoke the selected documents…"), permissions=["change"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = services.revoke(
                certificate_ids=list(queryset.values_list("pk", flat=True)), reason=form.cleaned_data["reason"]
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d document revoked: its verification page now says so.",
                    "%(count)d documents revoked: their verification pages now say so.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        count = queryset.count()
        return action_form_response(
            self,
            request,
            queryset,
            form=form,
            action="revoke",
            title=ngettext("Revoke %(count)d document", "Revoke %(count)d documents", count) % {"count": count},
            intro=_("Anyone who checks a revoked document's number is told it was revoked, and when."),
            submit=_("Revoke"),
        )

    @admin.action(description=_("Make the selected revoked documents valid again"), permissions=["change"])
    def reinstate(self, request, queryset):
        count = services.reinstate(certificate_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d document is valid again.", "%(count)d documents are valid again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Issue the selected documents again from current attendance"), permissions=["change"])
    def issue_again(self, request, queryset):
        by_series: dict[int, list[int]] = {}
        for series_id, user_id in queryset.values_list("series_id", "user_id"):
            by_series.setdefault(series_id, []).append(user_id)
        for series in Series.objects.filter(pk__in=by_series):
            result = services.issue_for_series(series=series, user_ids=by_series[series.pk])
            self.message_user(request, f"{series.title}: {issue_message(result)}", messages.SUCCESS)
