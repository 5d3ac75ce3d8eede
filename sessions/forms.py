from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language

from .queries import series_with_past_sessions


class PastSessionFilterForm(forms.Form):
    """The /sessions/past/ search and filters, read from the query string; each one is optional."""

    q = forms.CharField(label=_("Search by title"), required=False, max_length=200)
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=None, required=False, to_field_name="slug", empty_label=_("All series")
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = series_with_past_sessions()
        self.fields["q"].widget.input_type = "search"

    def valid_filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "text": (cleaned.get("q") or "").strip(),
            "series": cleaned.get("series"),
            "language": cleaned.get("language") or "",
        }
