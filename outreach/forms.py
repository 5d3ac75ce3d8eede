from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, Profession, provinces_in_reading_order

from .consent import consent_wording
from .models import PartnerInquiry


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by the stylesheet, skipped by keyboard and screen readers): bots fill it."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        template_name="outreach/includes/honeypot_field.html",
    )

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class PartnerInquiryForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = PartnerInquiry
        fields = [
            "organisation",
            "contact_name",
            "email",
            "phone",
            "province",
            "organisation_kind",
            "communities_served",
            "message",
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "communities_served": forms.Textarea(attrs={"rows": 3}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "communities_served": _("The regions, towns, First Nations or sectors your organisation serves."),
            "message": _("What you hope a partnership would bring, and anything we should know."),
            "phone": _("Optional."),
        }

    field_order = [*Meta.fields, "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("Choose…")), *provinces_in_reading_order()]
        self.fields["organisation_kind"].choices = [("", _("Choose…")), *PartnerInquiry.OrganisationKind.choices]

    def inquiry_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ConsentMixin(forms.Form):
    """The express-consent box: never checked in advance, required, its label the exact sentence that is stored."""

    consent = forms.BooleanField(
        required=True,
        initial=False,
        error_messages={
            "required": _("Check this box to give your consent: we cannot add you to the list without it.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered now, in the language of this request: the same sentence is shown and stored.
        self.consent_text = consent_wording()
        self.fields["consent"].label = self.consent_text


class StayConnectedForm(HoneypotMixin, ConsentMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    profession = forms.ChoiceField(label=_("Profession"))
    province = forms.ChoiceField(label=_("Province or territory"))
    language = forms.ChoiceField(label=_("Language of our emails"), choices=Language.choices, widget=forms.RadioSelect)

    field_order = ["email", "name", "profession", "province", "language", "consent", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profession"].choices = [("", _("Choose…")), *Profession.choices]
        self.fields["province"].choices = [("", _("Choose…")), *provinces_in_reading_order()]


class ProfileJoinForm(ConsentMixin, forms.Form):
    pass
