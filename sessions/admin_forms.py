import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.utils.translation import gettext_lazy as _

from core import dates

from .models import Resource

EASTERN = zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)


class RescheduleForm(forms.Form):
    """A new date and time for one session, typed in Eastern Time like the rest of the programme."""

    date = dates.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at (Eastern Time)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Ends at (Eastern Time)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self):
        cleaned = super().clean()
        date, start, end = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if date and start and end:
            if end <= start:
                self.add_error("end_time", _("The session must end after it starts."))
            else:
                cleaned["starts_at"] = dt.datetime.combine(date, start, tzinfo=EASTERN)
                cleaned["ends_at"] = dt.datetime.combine(date, end, tzinfo=EASTERN)
        return cleaned

    @classmethod
    def initial_for(cls, session) -> dict:
        start, end = session.starts_at.astimezone(EASTERN), session.ends_at.astimezone(EASTERN)
        return {"date": start.date(), "start_time": start.time(), "end_time": end.time()}


class ConfirmForm(forms.Form):
    """An explicit yes before telling every registrant that their session is cancelled."""

    confirm = forms.BooleanField(
        label=_("Yes, cancel these sessions and tell everyone registered"),
        required=True,
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )


class _StoredFile:
    """What the file widget shows for a stored material: its uploaded name, linked to the checked download."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self):
        return self.name


class MaterialFileInput(AdminFileWidget):
    download_url = ""
    download_name = ""

    def format_value(self, value):
        if self.is_initial(value) and self.download_url:
            return _StoredFile(self.download_name or str(value), self.download_url)
        return super().format_value(value)


class ResourceAdminForm(forms.ModelForm):
    """Materials in admin: the stored file links to the download view (media has no public path)."""

    class Meta:
        model = Resource
        fields = ("session", "kind", "title", "url", "file", "text", "visibility", "published_at")
        widgets = {"file": MaterialFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["file"].widget if "file" in self.fields else None
        if isinstance(widget, MaterialFileInput) and self.instance.pk and self.instance.file:
            widget.download_url = self.instance.href
            widget.download_name = self.instance.file_name
