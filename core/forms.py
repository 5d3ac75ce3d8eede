import datetime as dt

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import validate_reasonable_date
from .formatting import format_day_month_year, parse_written_date


class FormRenderer(TemplatesSetting):
    """Every form on the site renders through the same accessible field markup."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


class WrittenDateInput(forms.TextInput):
    """A date shown as the portal writes it in the active language ("December 2, 2025" / "2 décembre 2025").

    Not `type="date"`: the browser would display that one its own way (mm/dd/yyyy in an English Chromium,
    whatever the page's language), so the field and the sentences around it would disagree.
    """

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_day_month_year(value)
        return super().format_value(value)


class WrittenDateField(forms.DateField):
    """Accepts a date written out in English or French, or as 2025-12-02 (see `parse_written_date`)."""

    widget = WrittenDateInput
    default_validators = [validate_reasonable_date]
    default_error_messages = {
        "invalid": _("Write the date like %(example)s or %(iso)s."),
    }

    def prepare_value(self, value):
        # What was typed comes back written the portal's way once it reads as a date ("1er déc." → "1er décembre").
        if isinstance(value, str):
            return parse_written_date(value) or value
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        parsed = parse_written_date(str(value))
        if parsed is None:
            example = dt.date(timezone.localdate().year, 12, 2)
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": format_day_month_year(example), "iso": example.isoformat()},
            )
        return parsed
