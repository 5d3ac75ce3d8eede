import datetime as dt

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .dates import validate_reasonable_date
from .formatting import format_day_month_year, parse_written_date

# A help text that names HTML tags ("<h2>, <ul>"): Django's admin prints help texts as HTML, which would
# render the tags themselves (an empty heading and list) instead of naming them.
help_text_naming_tags = lazy(escape, SafeString)


class FormRenderer(TemplatesSetting):
    """Every form on the site renders through the same accessible field markup."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


def _attrs(attrs: dict) -> SafeString:
    """` name="value"` for each attribute, as django/forms/widgets/attrs.html writes them (True alone, False never)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Django's CheckboxSelectMultiple, written out in Python: the same markup as its templates (no option groups),
    without rendering three templates for every option.

    The class keeps Django's name: a field's `widget_type` comes from it, and includes/field.html draws a
    fieldset with its legend for "checkboxselectmultiple"."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        options = []
        for group, group_options, _index in context["optgroups"]:
            if group:  # option groups: Django's own templates
                return super().render(name, value, attrs, renderer)
            for option in group_options:
                option_id = option["attrs"].get("id")
                label_open = format_html('<label for="{}">', option_id) if option_id else mark_safe("<label>")
                value_attr = "" if option["value"] is None else format_html(' value="{}"', option["value"])
                options.append(
                    format_html(
                        '<div>\n    {}<input type="{}" name="{}"{}{}>\n {}</label>\n\n</div>',
                        label_open,
                        option["type"],
                        option["name"],
                        value_attr,
                        _attrs(option["attrs"]),
                        conditional_escape(option["label"]),
                    )
                )
        widget_id = context["attrs"].get("id")
        css_class = context["attrs"].get("class")
        return format_html(
            "<div{}{}>{}\n</div>",
            format_html(' id="{}"', widget_id) if widget_id else "",
            format_html(' class="{}"', css_class) if css_class else "",
            mark_safe("".join(options)),  # noqa: S308 (each option built with format_html above)
        )


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
