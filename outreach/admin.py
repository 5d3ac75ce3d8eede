from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.choices import Language, Profession, Province
from content import services as content_services
from core.csv_export import csv_response

from . import mailings, services, subscriptions
from .models import Mailing, PartnerInquiry, PartnerInquiryChange, Subscriber, SubscriberChange


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
                return
            if to_status == PartnerInquiry.Status.PARTNERED:
                # The partnership is agreed: the hub is drafted from the submission for staff to complete.
                self._hub_ready(request, services.create_hub(inquiry=obj))

    @admin.action(description=_("Create the hub of the selected partnered organisations"))
    def create_hub(self, request, queryset):
        for inquiry in queryset:
            try:
                hub = services.create_hub(inquiry=inquiry)
            except ValidationError as error:
                self.message_user(request, f"{inquiry.organisation}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self._hub_ready(request, hub)

    def _hub_ready(self, request, hub):
        link = format_html(
            '<a href="{}">{}</a>', reverse("admin:hubs_hub_change", args=[hub.pk]), _("Complete the hub")
        )
        self.message_user(
            request,
            format_html(
                "{} {}",
                _("Hub “%(hub)s” is ready to complete (it stays hidden until you make it active).") % {"hub": hub},
                link,
            ),
            messages.SUCCESS,
        )


class SubscriberChangeInline(admin.TabularInline):
    model = SubscriberChange
    extra = 0
    can_delete = False
    fields = ["at", "event", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


CONSENT_PROOF_HEADER = [
    _("email"),
    _("name"),
    _("profession"),
    _("province or territory"),
    _("language"),
    _("consent given"),
    _("consent given on"),
    _("consent wording version"),
    _("consent language"),
    _("consent wording shown"),
    _("confirmed"),
]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Read-only: consent comes from the person, through the public form or their profile, never from staff."""

    list_display = ["email", "name", "status", "language", "province", "profession", "requested_at", "confirmed_at"]
    list_filter = ["status", "language", "province", "profession"]
    search_fields = ["email", "name"]
    date_hierarchy = "requested_at"
    inlines = [SubscriberChangeInline]
    actions = ["withdraw_selected"]
    fieldsets = [
        (None, {"fields": ["email", "name", "profession", "province", "language", "user", "status"]}),
        (
            _("Consent proof"),
            {
                "fields": [
                    "consent_text",
                    "consent_version",
                    "consent_language",
                    "consent_given_at",
                    "consent_source",
                    "requested_at",
                    "confirmed_at",
                ]
            },
        ),
        (_("Withdrawal"), {"fields": ["withdrawn_at", "withdrawn_how"]}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]
    change_list_template = "admin/outreach/subscriber/change_list.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="outreach_subscriber_export"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "export_url": reverse("admin:outreach_subscriber_export")}
        return super().changelist_view(request, extra_context=extra_context)

    def export_view(self, request):
        """Everyone on the list now, with the proof of their consent (for an audit under CASL)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        professions = dict(Subscriber._meta.get_field("profession").choices)
        provinces = dict(Subscriber._meta.get_field("province").choices)
        rows = (
            [
                s.email,
                s.name,
                professions.get(s.profession, s.profession),
                provinces.get(s.province, s.province),
                s.language,
                s.consent_given_at,
                s.consent_source,
                s.consent_version,
                s.consent_language,
                s.consent_text,
                s.confirmed_at,
            ]
            for s in Subscriber.objects.on_the_list().order_by("email").iterator(chunk_size=2000)
        )
        filename = f"mailing-list-consent-{timezone.localdate().isoformat()}.csv"
        return csv_response(filename=filename, header=CONSENT_PROOF_HEADER, rows=rows)

    @admin.action(description=_("Take the selected addresses off the list (at their request)"))
    def withdraw_selected(self, request, queryset):
        withdrawn = sum(
            subscriptions.withdraw(subscriber=subscriber, how=f"staff: {request.user.email}") for subscriber in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d address left the list.", "%(count)d addresses left the list.", withdrawn)
            % {"count": withdrawn},
            messages.SUCCESS,
        )


ALREADY_SENT = _("This mailing was sent already: nothing more was sent.")
INCOMPLETE = _("Write the subject and the text in English and in French first.")


def _segment_field(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to send to everyone."),
    )


class MailingAdminForm(forms.ModelForm):
    """Written in both languages; the segment is chosen with boxes (none checked: everyone on the list)."""

    languages = _segment_field(_("Only subscribers who read in"), Language.choices)
    provinces = _segment_field(_("Only subscribers in"), Province.choices)
    professions = _segment_field(_("Only subscribers who are"), Profession.choices)

    class Meta:
        model = Mailing
        fields = ["kind", "subject_en", "subject_fr", "body_en", "body_fr", "languages", "provinces", "professions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone gets it in their own language: both versions are needed before anything is sent.
        for name in ("subject_en", "subject_fr", "body_en", "body_fr"):
            if name in self.fields:
                self.fields[name].required = True


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    form = MailingAdminForm
    list_display = ["__str__", "kind", "status", "created_at", "sent_at", "recipient_count"]
    list_filter = ["kind", "status"]
    search_fields = ["subject_en", "subject_fr"]
    change_form_template = "admin/outreach/mailing/change_form.html"
    actions = ["archive_newsletters"]
    fieldsets = [
        (None, {"fields": ["kind"]}),
        (_("English"), {"fields": ["subject_en", "body_en"]}),
        (_("French"), {"fields": ["subject_fr", "body_fr"]}),
        (_("Who receives it"), {"fields": ["languages", "provinces", "professions"]}),
    ]
    sent_fields = ["status", "created_by", "created_at", "sent_by", "sending_started_at", "sent_at", "recipient_count"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Sending"), {"fields": self.sent_fields}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Mailing.Status.DRAFT:
            # What was sent is the record of what people received: it no longer changes.
            return [
                "kind",
                "subject_en",
                "subject_fr",
                "body_en",
                "body_fr",
                "languages",
                "provinces",
                "professions",
            ] + self.sent_fields
        return self.sent_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        send = self.admin_site.admin_view(self.send_view)
        return [path("<int:pk>/send/", send, name="outreach_mailing_send"), *super().get_urls()]

    def send_view(self, request, pk: int):
        """Preview both languages, send a test to oneself, then send to the segment."""
        mailing = self.get_object(request, str(pk))
        if mailing is None or not self.has_change_permission(request, mailing):
            raise PermissionDenied
        change_url = reverse("admin:outreach_mailing_change", args=[mailing.pk])
        if request.method == "POST":
            if mailing.status != Mailing.Status.DRAFT:
                self.message_user(request, ALREADY_SENT, messages.ERROR)
                return HttpResponseRedirect(change_url)
            if not mailing.is_complete():
                self.message_user(request, INCOMPLETE, messages.ERROR)
                return HttpResponseRedirect(change_url)
            if request.POST.get("action") == "test":
                mailings.send_test(mailing=mailing, to=request.user)
                self.message_user(
                    request,
                    _("A test in English and one in French are on their way to %(email)s.")
                    % {"email": request.user.email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:outreach_mailing_send", args=[mailing.pk]))
            if request.POST.get("action") == "send":
                try:
                    count = mailings.start_sending(mailing=mailing, by=request.user)
                except mailings.AlreadySent:
                    self.message_user(request, ALREADY_SENT, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        ngettext("Sending to %(count)d subscriber.", "Sending to %(count)d subscribers.", count)
                        % {"count": count},
                        messages.SUCCESS,
                    )
                return HttpResponseRedirect(change_url)
        audience = mailings.recipients(mailing)
        by_language = dict(audience.values_list("language").annotate(n=Count("pk")).order_by())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "mailing": mailing,
            "title": _("Preview, test and send"),
            "versions": [
                (label, mailings.version(mailing, code), by_language.get(code, 0)) for code, label in Language.choices
            ],
            "total": sum(by_language.values()),
            "complete": mailing.is_complete(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/outreach/mailing/send.html", context)

    @admin.action(description=_("Publish the selected newsletters in the public archive"))
    def archive_newsletters(self, request, queryset):
        for mailing in queryset:
            if mailing.kind != Mailing.Kind.NEWSLETTER or mailing.status != Mailing.Status.SENT:
                self.message_user(
                    request,
                    _("“%(mailing)s” is not a newsletter that was sent: it was not published.") % {"mailing": mailing},
                    messages.ERROR,
                )
                continue
            issue, created = content_services.archive_newsletter(
                title_en=mailing.subject_en,
                title_fr=mailing.subject_fr,
                body_en=mailing.body_en,
                body_fr=mailing.body_fr,
                published_on=timezone.localdate(mailing.sent_at),
            )
            message = (
                _("“%(issue)s” is now in the newsletter archive.")
                if created
                else _("“%(issue)s” was already in the newsletter archive.")
            )
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>', message % {"issue": issue}, issue.get_absolute_url(), _("See it")
                ),
                messages.SUCCESS,
            )
