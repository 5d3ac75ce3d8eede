from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import PartnerInquiry, PartnerInquiryChange


class PartnerInquiryChangeInline(admin.TabularInline):
    model = PartnerInquiryChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartnerInquiryAdminForm(forms.ModelForm):
    """The status moves only along the workflow, through the service that records the change."""

    next_status = forms.ChoiceField(label=_("Move to"), required=False)
    change_note = forms.CharField(label=_("Why (kept in the history)"), required=False, max_length=500)

    class Meta:
        model = PartnerInquiry
        fields = ["notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(keep the current status)"))]
        choices += [(value, PartnerInquiry.Status(value).label) for value in self.instance.next_statuses()]
        self.fields["next_status"].choices = choices


@admin.register(PartnerInquiry)
class PartnerInquiryAdmin(admin.ModelAdmin):
    form = PartnerInquiryAdminForm
    list_display = ["organisation", "contact_name", "province", "organisation_kind", "status", "submitted_at", "hub"]
    list_filter = ["status", "province", "organisation_kind"]
    search_fields = ["organisation", "contact_name", "email", "communities_served"]
    date_hierarchy = "submitted_at"
    list_select_related = ["hub"]
    inlines = [PartnerInquiryChangeInline]
    actions = ["create_hub"]
    readonly_fields = [
        "organisation",
        "contact_name",
        "email",
        "phone",
        "province",
        "organisation_kind",
        "communities_served",
        "message",
        "language",
        "submitted_at",
        "status",
        "status_changed_at",
        "status_changed_by",
        "hub",
    ]
    fieldsets = [
        (
            _("Submission"),
            {
                "fields": [
                    "organisation",
                    "contact_name",
                    "email",
                    "phone",
                    "province",
                    "organisation_kind",
                    "communities_served",
                    "message",
                    "language",
                    "submitted_at",
                ]
            },
        ),
        (
            _("Follow-up"),
            {
                "fields": [
                    "status",
                    "status_changed_at",
                    "status_changed_by",
                    "next_status",
                    "change_note",
                    "notes",
                    "hub",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # Inquiries come from the public form; staff follow them up.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        to_status = form.cleaned_data.get("next_status")
        if to_status:
            try:
                services.change_status(
                    inquiry=obj, to_status=to_status, by=request.user, note=form.cleaned_data.get("change_note", "")
                )
            except services.TransitionNotAllowed as error:
                self.message_user(request, str(error), messages.ERROR)

    @admin.action(description=_("Create the hub of the selected partnered organisations"))
    def create_hub(self, request, queryset):
        for inquiry in queryset:
            try:
                hub = services.create_hub(inquiry=inquiry)
            except ValidationError as error:
                self.message_user(request, f"{inquiry.organisation}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Hub “%(hub)s” is ready to complete (it stays hidden until you make it active).") % {"hub": hub},
                    messages.SUCCESS,
                )
