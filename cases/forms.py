from django import forms
from django.utils.translation import gettext_lazy as _

from .attachments import validate_case_file
from .models import CasePresentation, Recommendation


class CaseForm(forms.ModelForm):
    attachment = forms.FileField(
        label=_("Add an attachment (optional)"),
        required=False,
        validators=[validate_case_file],
        help_text=_("A PDF or an image, at most 10 MB: de-identified like the rest (no names, no labels)."),
    )

    class Meta:
        model = CasePresentation
        fields = [
            "presenting_question",
            "age_range",
            "sex_gender",
            "setting_of_care",
            "history",
            "symptoms_medications",
            "goals_of_care",
            "tried",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in CasePresentation.TEXT_FIELDS}
        help_texts = {
            "presenting_question": _("What you would like the panel to help you with, in a sentence or two."),
            "age_range": _("An age range, never a date of birth."),
            "history": _(
                "Diagnoses and what matters to understand the situation. Never a name, date of birth, health card "
                "number, address or phone number."
            ),
            "symptoms_medications": _("Current symptoms, medications and doses."),
            "goals_of_care": _("What the patient and family hope for; advance care planning so far."),
            "tried": _("What has been tried and how it went."),
        }


class SubmitForm(forms.Form):
    confirmed = forms.BooleanField(
        label=_(
            "I confirm this case is de-identified: it contains no name, date of birth, health card number, address, "
            "phone number or other detail that could identify the patient or their family."
        ),
        required=True,
    )


class InviteForm(forms.Form):
    presenter = forms.ModelChoiceField(label=_("Registrant"), queryset=None, empty_label=None)

    def __init__(self, *args, registrants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = registrants
        self.fields["presenter"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.email} ({user.email})"
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What should the presenter change?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the registrant)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["summary", "recommendations", "resources"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 6}),
            "resources": forms.Textarea(attrs={"rows": 3}),
        }


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Did these recommendations help you care for your patient?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
