"""The dates a form accepts: from 1900 to 2199, so arithmetic and time-zone conversions of them never overflow.

A date like 9999-12-31 is a valid `date`, but a day later, or the same evening in UTC, is not, and code that
computes a period's end or converts to UTC then fails with OverflowError (a server error). Every date a form
takes is bounded here first, with a message that says which dates are possible.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


def validate_reasonable_date(value) -> None:
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST.year, "latest": LATEST.year},
        )


def bound_dates(formfield):
    """Add the bound to a date or date-time form field (any other field is returned as it is)."""
    dated = isinstance(formfield, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField)
    if dated and validate_reasonable_date not in formfield.validators:
        formfield.validators.append(validate_reasonable_date)
    return formfield


class DateField(forms.DateField):
    default_validators = [validate_reasonable_date]
