from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .choices import PracticeSetting
from .models import User

PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "profession",
    "practice_settings",
    "province",
    "organisation",
    "rural_remote",
    "preferred_language",
    "time_zone",
    "licence_number",
    "reminders_enabled",
    "programme_emails_enabled",
]


class SignupForm(forms.Form):
    """Extra fields allauth's signup asks for: what a certificate and a hub report need."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, help_text=_("As it should print on a certificate.")
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, help_text=_("As it should print on a certificate.")
    )
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", "—")] + list(User._meta.get_field("profession").choices)
    )
    province = forms.ChoiceField(
        label=_("Province or territory"), choices=[("", "—")] + list(User._meta.get_field("province").choices)
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=User._meta.get_field("preferred_language").choices
    )

    field_order = ["email", "first_name", "last_name", "profession", "province", "preferred_language", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language() or "en"

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.profession = self.cleaned_data["profession"]
        user.province = self.cleaned_data["province"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save()


class ProfileForm(forms.ModelForm):
    practice_settings = forms.MultipleChoiceField(
        label=_("Practice settings"),
        choices=PracticeSetting.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = PROFILE_FIELDS
