import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

EASTERN = zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)


class RescheduleForm(forms.Form):
    """A new date and time for one session, typed in Eastern Time like the rest of the programme."""

    date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
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
