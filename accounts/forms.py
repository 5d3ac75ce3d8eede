from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .choices import PracticeSetting, provinces_in_reading_order, provinces_reordered
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


# What each field holds, in the words browsers and password managers fill forms by (WCAG 2.1 1.3.5).
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "organisation": "organization",
    "province": "address-level1",
}


def _say_what_fields_hold(form: forms.BaseForm) -> None:
    for name, purpose in AUTOCOMPLETE.items():
        if name in form.fields:
            form.fields[name].widget.attrs.setdefault("autocomplete", purpose)


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
    province = forms.ChoiceField(label=_("Province or territory"))
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=User._meta.get_field("preferred_language").choices
    )

    field_order = ["email", "first_name", "last_name", "profession", "province", "preferred_language", "password1"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = translation.get_language() or "en"
        self.fields["province"].choices = [("", "—"), *provinces_in_reading_order()]
        _say_what_fields_hold(self)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces_reordered(self.fields["province"].choices)
        _say_what_fields_hold(self)


class DeleteAccountForm(forms.Form):
    """Deleting is for good after the grace period: the person confirms, and proves it is them."""

    confirm = forms.BooleanField(
        label=_("I understand that my account and the personal data listed above will be erased."),
        error_messages={"required": _("Tick the box to confirm that you want your account deleted.")},
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm that it is you.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
