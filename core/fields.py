"""Model fields shared by the domain apps."""

from django.db import models


class URLField(models.URLField):
    """A link staff may type without its scheme (`zoom.us/j/123`): every form built from it assumes https://.

    Django 6 makes https the default for `forms.URLField`; this field opts in today, on every door (admin,
    hub portal, any ModelForm), instead of each form passing `assume_scheme`.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
