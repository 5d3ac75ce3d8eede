"""What the admin accepts from a URL or a form without a server error: bounded dates, prefilled ids that exist.

`SafeAdminInputsMixin` goes first among a ModelAdmin's or an inline's bases (hub-scoped admins get it through
`hubs.admin_scoping`). Every date and date-time field of its forms is bounded by `core.dates`, and the add form's
values prefilled from the query string (`?series=12`) are kept only when they are valid for their field, as are
the values an autocomplete widget looks up to show: Django would otherwise fail rendering the form on
`?series=abc` or on a posted `series=abc`.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist, ValidationError

from .dates import bound_dates


def _valid_for(field, values) -> list:
    kept = []
    for value in values:
        try:
            # The field's validators too: an id larger than the column holds is no id either.
            field.run_validators(field.to_python(value))
        except (ValidationError, ValueError, TypeError):
            continue
        kept.append(value)
    return kept


class _ValidSelectedOnly:
    """An autocomplete widget shows a posted value by looking it up; a value that is no id is simply not shown."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(
            getattr(self.field.remote_field, "field_name", None) or self.field.remote_field.model._meta.pk.name
        )
        return super().optgroups(name, _valid_for(target, [v for v in value if v]), attr)


class _SafeAutocompleteSelect(_ValidSelectedOnly, AutocompleteSelect):
    pass


class _SafeAutocompleteSelectMultiple(_ValidSelectedOnly, AutocompleteSelectMultiple):
    pass


_SAFE_WIDGETS = {
    AutocompleteSelect: _SafeAutocompleteSelect,
    AutocompleteSelectMultiple: _SafeAutocompleteSelectMultiple,
}


class SafeAdminInputsMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = bound_dates(super().formfield_for_dbfield(db_field, request, **kwargs))
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside the admin's add/change-related wrapper
        if type(inner) in _SAFE_WIDGETS:
            inner.__class__ = _SAFE_WIDGETS[type(inner)]
        return formfield

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete:
                continue
            if field.many_to_many:
                target = field.remote_field.model._meta.pk
            else:
                target = field.target_field if field.is_relation else field
            values = value if isinstance(value, list) else [value]
            if len(_valid_for(target, values)) != len(values):
                del initial[name]
        return initial
