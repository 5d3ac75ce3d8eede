from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.choices import Language, Profession

from .models import Series
from .queries import hubs_with_published_series


class CatalogFilterForm(forms.Form):
    """The /series/ filters, read from the query string; each one is optional."""

    hub = forms.ModelChoiceField(
        label=_("Hub"), queryset=None, required=False, to_field_name="slug", empty_label=_("All hubs")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Series.Kind.choices])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    profession = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Every profession")), *Profession.choices]
    )
    open = forms.BooleanField(label=_("Open for registration now"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs_with_published_series()

    def valid_filters(self) -> dict:
        """The filters that were understood; one bad value never blanks the others."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "hub": cleaned.get("hub"),
            "kind": cleaned.get("kind") or "",
            "language": cleaned.get("language") or "",
            "profession": cleaned.get("profession") or "",
            "open_only": bool(cleaned.get("open")),
        }


class HomeFilterForm(forms.Form):
    """The home page's two filters: the language a session is given in, and who it is for."""

    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    profession = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Every profession")), *Profession.choices]
    )

    def valid_filters(self) -> dict:
        """The filters that were understood; one bad value never blanks the other."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {"language": cleaned.get("language") or "", "profession": cleaned.get("profession") or ""}
