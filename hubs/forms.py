import datetime as dt

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.choices import provinces_reordered
from core.formatting import format_day_month_year
from core.forms import WrittenDateField
from enrollment.participation import Period

from .models import Spoke

LONGEST_PERIOD = dt.timedelta(days=366 * 10)


class SpokeForm(forms.ModelForm):
    class Meta:
        model = Spoke
        fields = ["name", "kind", "province", "rural_remote", "contact_name", "contact_email"]
        labels = {"kind": _("Kind of community or setting of care")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces_reordered(self.fields["province"].choices)


class PeriodForm(forms.Form):
    """The dashboard's period, read from `?from=…&to=…`; both ends included.

    The dates are shown and read as the portal writes them in the viewer's language ("December 2, 2025",
    "2 décembre 2025"), like the sentence under the form; 2025-12-02 is understood too (the export links).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = Period.last_twelve_months()
        hint = _("For example: %(example)s") % {"example": format_day_month_year(default.end)}
        self.fields["from"] = WrittenDateField(label=_("From"), required=False, help_text=hint)
        self.fields["to"] = WrittenDateField(label=_("To"), required=False, help_text=hint)
        self.fields["from"].initial = default.start
        self.fields["to"].initial = default.end

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period must not be before its start."), code="order")
        if start and end and end - start > LONGEST_PERIOD:
            raise forms.ValidationError(_("Choose a period of at most ten years."), code="too_long")
        return cleaned

    def period(self) -> Period:
        """The chosen period; the last twelve months wherever a date is missing or the form is invalid."""
        default = Period.last_twelve_months()
        if not self.is_valid():
            return default
        start = self.cleaned_data.get("from") or default.start
        end = self.cleaned_data.get("to") or default.end
        if end < start:
            return default
        return Period(start=start, end=end)


class InvitationForm(forms.Form):
    spoke = forms.ModelChoiceField(label=_("Spoke"), queryset=Spoke.objects.none(), empty_label=None)
    email = forms.EmailField(label=_("Email address of the person to invite"))
    language = forms.ChoiceField(label=_("Language of the invitation email"), choices=settings.LANGUAGES)

    def __init__(self, *args, spokes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spoke"].queryset = spokes
        self.fields["language"].initial = translation.get_language() or settings.LANGUAGE_CODE


class JoinForm(forms.Form):
    spoke = forms.ModelChoiceField(
        label=_("Which spoke do you belong to?"),
        queryset=Spoke.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, spokes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spoke"].queryset = spokes
