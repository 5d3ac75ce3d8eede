"""Enrollment keys in the admin: a generated, readable key by default, and no oracle for other hubs' keys."""

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from . import services
from .models import EnrollmentKey, normalize_key, tidy_key
from .services.keys import key_unavailable_message

KEY_FIELDS = ("series", "code", "label", "hub", "valid_from", "valid_until", "max_uses", "is_active")


class EnrollmentKeyAdminForm(forms.ModelForm):
    """A new key starts with a generated code; a typed code that another active key has counts as a wrong guess.

    `user` is set by the admin for each request (`for_user`): collisions count against that account.
    """

    user = None

    class Meta:
        model = EnrollmentKey
        fields = KEY_FIELDS

    @classmethod
    def for_user(cls, user):
        return type(cls.__name__, (cls,), {"user": user})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields.get("code")
        if code is None:
            return
        code.required = False
        code.help_text = _(
            "Compared without regard to case or surrounding spaces. Leave empty for a generated key that is easy "
            "to read (no 0 or O, no 1, I or L)."
        )
        # Rows the admin's script adds are copies of one empty form: they get their key when saved instead.
        if not self.is_bound and not self.instance.pk and "__prefix__" not in (self.prefix or ""):
            self.initial.setdefault("code", services.generate_key())

    def clean(self):
        cleaned = super().clean()
        if "code" not in self.fields or "code" not in cleaned:
            return cleaned
        code = tidy_key(cleaned.get("code"))
        if not normalize_key(code):
            cleaned["code"] = services.generate_key()
            return cleaned
        cleaned["code"] = code
        unchanged = self.instance.pk and normalize_key(code) == normalize_key(self.instance.code)
        if unchanged or not cleaned.get("is_active", True):
            return cleaned
        try:
            services.check_code_free(code=code, user_id=self.user.pk, exclude_pk=self.instance.pk)
        except services.EnrollmentError as error:
            self.add_error("code", error.message)
        return cleaned

    def _get_validation_exclusions(self):
        # The code's uniqueness was checked above, with its limit and its neutral message.
        return {*super()._get_validation_exclusions(), "code"}


class EnrollmentKeyFormSet(BaseInlineFormSet):
    """Two new rows of one save with the same code would both pass the check against saved keys."""

    def clean(self):
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            code = normalize_key(form.cleaned_data.get("code") or "")
            if code and form.cleaned_data.get("is_active", True):
                if code in seen:
                    form.add_error("code", key_unavailable_message())
                seen.add(code)
