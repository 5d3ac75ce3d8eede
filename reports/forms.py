"""The period a reach report covers: a reporting preset (fiscal year or one of its halves) or two dates."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core.formatting import format_day_month_year
from core.forms import WrittenDateField
from enrollment.participation import Period

from .periods import Preset, preset, recent_presets

LONGEST_PERIOD = dt.timedelta(days=366 * 10)


class ReachPeriodForm(forms.Form):
    """`?period=fy2026-h1`, or `?from=…&to=…` (both ends included); `default` when nothing valid is given."""

    def __init__(self, *args, default: Preset, presets: list[Preset] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default
        choices = [(item.key, item.label) for item in (presets or recent_presets())]
        # The default, and an older period a saved link names, are offered even when not among the recent ones.
        for extra in (default, preset(self.data.get("period", "")) if self.is_bound else None):
            if extra is not None and extra.key not in dict(choices):
                choices.append((extra.key, extra.label))
        self.fields["period"] = forms.ChoiceField(
            label=_("Reporting period"),
            choices=[("", _("The dates below")), *choices],
            required=False,
            initial=default.key,
        )
        hint = _("For example: %(example)s") % {"example": format_day_month_year(default.period.end)}
        self.fields["from"] = WrittenDateField(label=_("From"), required=False, help_text=hint)
        self.fields["to"] = WrittenDateField(label=_("To"), required=False, help_text=hint)

    def clean_period(self):
        key = self.cleaned_data.get("period", "")
        if key and preset(key) is None:
            raise forms.ValidationError(_("Choose a reporting period from the list."), code="unknown")
        return key

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period"):
            return cleaned
        start, end = cleaned.get("from"), cleaned.get("to")
        if not (start and end) and not self.errors:
            raise forms.ValidationError(_("Choose a reporting period, or give both dates."), code="incomplete")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period must not be before its start."), code="order")
        if start and end and end - start > LONGEST_PERIOD:
            raise forms.ValidationError(_("Choose a period of at most ten years."), code="too_long")
        return cleaned

    def chosen(self) -> tuple[Period, Preset | None]:
        """The period asked for and its preset (None for two dates); the default when the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return self.default.period, self.default
        key = self.cleaned_data.get("period")
        if key:
            chosen = preset(key)
            return chosen.period, chosen
        return Period(start=self.cleaned_data["from"], end=self.cleaned_data["to"]), None
