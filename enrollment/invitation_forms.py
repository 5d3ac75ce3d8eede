"""The form hub staff send a list of people to invite with: a CSV file, or addresses pasted in a box."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .invitation_lists import MAX_ROWS, ListError, decode_upload


class InvitationListForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "One person per line: an email address, optionally with a name and a language (en or fr), separated "
            "by commas, semicolons or tabs, as a spreadsheet copies them. Up to %(max)d lines."
        )
        % {"max": MAX_ROWS},
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("Columns: email, name (optional), language (optional). A first line of column titles is skipped."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("addresses", "")
        if upload:
            try:
                text = "\n".join(filter(None, [text, decode_upload(upload.read(1_000_001))]))
            except ListError as error:
                self.add_error("file", error.message)
                return cleaned
        if not text.strip() and not self.errors:
            raise forms.ValidationError(_("Paste at least one address, or choose a CSV file."), code="empty")
        cleaned["text"] = text
        return cleaned


class ConfirmInvitationsForm(forms.Form):
    """The checked list, sent back as it was previewed: sending reads and checks it again."""

    entries = forms.CharField(widget=forms.HiddenInput, max_length=MAX_ROWS * 400)
