from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import outbox
from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent to whom, and why a failure failed. Staff can send again."""

    list_display = ("created_at", "recipient", "kind", "language", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "language")
    search_fields = ("recipient", "^idempotency_key")
    search_help_text = _("Search by recipient, or by the start of an idempotency key such as “reminder-24h:”.")
    ordering = ("-created_at", "-pk")
    show_full_result_count = False  # the outbox grows large: no COUNT(*) of the whole table on every page
    actions = ["resend"]
    fieldsets = (
        (None, {"fields": ("recipient", "language", "kind", "idempotency_key", "status", "last_error")}),
        (_("Content"), {"fields": ("subject", "body_text", "body_html", "headers", "attachment_names")}),
        (_("Delivery"), {"fields": ("attempts", "created_at", "claimed_at", "sent_at", "next_attempt_at")}),
    )

    @admin.display(description=_("attachments"))
    def attachment_names(self, obj: OutboundEmail) -> str:
        return ", ".join(f"{item['filename']} ({item['mimetype']})" for item in obj.attachments) or "—"

    def get_readonly_fields(self, request, obj=None):
        return [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Content is what was (or will be) sent: editing it would rewrite history.
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_outboundemail")

    @admin.action(description=_("Send the selected emails again"), permissions=["resend"])
    def resend(self, request, queryset):
        chosen = list(queryset.values_list("pk", "status"))
        count = outbox.resend(outbound_ids=[pk for pk, _status in chosen])
        skipped = len(chosen) - count
        if count:
            self.message_user(
                request,
                ngettext("%(count)d email will be sent again.", "%(count)d emails will be sent again.", count)
                % {"count": count},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was left alone: it is still queued or being sent.",
                    "%(count)d emails were left alone: they are still queued or being sent.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
