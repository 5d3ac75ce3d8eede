"""Forms behind the series admin's own pages: the schedule helper and the new-cohort action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import dates
from enrollment import services as enrollment_services
from sessions.schedule import Rule

from .models import Series

RULE_CHOICES = [
    (Rule.WEEKLY, _("Every week")),
    (Rule.EVERY_2_WEEKS, _("Every 2 weeks")),
    (Rule.EVERY_4_WEEKS, _("Every 4 weeks")),
    (Rule.MONTHLY_SAME_WEEKDAY, _("Every month on the same weekday (for example the second Thursday)")),
]


class ScheduleForm(forms.Form):
    title = forms.CharField(
        label=_("Session title"),
        max_length=230,
        initial=_("Session"),
        help_text=_("Each session gets this title and its number, for example “Session 3”. Rename them later."),
    )
    first_date = dates.DateField(label=_("Date of the first session"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time (Eastern Time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Every session starts at this Eastern Time, in winter and in summer alike."),
    )
    duration_minutes = forms.IntegerField(label=_("Length in minutes"), min_value=5, max_value=600, initial=60)
    rule = forms.ChoiceField(label=_("Repeats"), choices=RULE_CHOICES, initial=Rule.MONTHLY_SAME_WEEKDAY)
    count = forms.IntegerField(
        label=_("Number of sessions"), min_value=1, max_value=60, required=False, help_text=_("Or give a last date.")
    )
    until = dates.DateField(
        label=_("Last date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("No session is created after this date."),
    )
    join_url = forms.URLField(
        label=_("Join link for every session"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=_("Optional; shown only to registrants. Each session can get its own link later."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("count") and not cleaned.get("until"):
            raise forms.ValidationError(_("Give either a number of sessions or a last date."))
        first, until = cleaned.get("first_date"), cleaned.get("until")
        if first and until and until < first:
            self.add_error("until", _("The last date must be on or after the first date."))
        return cleaned


class DuplicateCohortForm(forms.Form):
    title = forms.CharField(label=_("Title of the new cohort"), max_length=250)
    slug = forms.SlugField(label=_("Web address (slug)"), max_length=120)
    weeks = forms.IntegerField(
        label=_("Shift the sessions by (weeks)"),
        min_value=1,
        max_value=260,
        initial=52,
        help_text=_("Whole weeks keep every session on the same weekday and Eastern time."),
    )
    key_code = forms.CharField(
        label=_("New enrollment key"),
        max_length=60,
        required=False,
        help_text=_("Learners of the new cohort join with this key. Required when the series uses enrollment keys."),
    )
    key_label = forms.CharField(label=_("Label of the key"), max_length=120, required=False)

    def __init__(self, *args, source: Series, user=None, **kwargs):
        self.source, self.user = source, user
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Series.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another series already uses this web address."))
        return slug

    def clean_key_code(self):
        code = (self.cleaned_data.get("key_code") or "").strip().upper()
        if not code and self.source.registration_mode == Series.RegistrationMode.KEY:
            raise forms.ValidationError(_("This series uses enrollment keys: give the new cohort its own key."))
        if code:
            # Like every typed key: a collision counts as a wrong guess and the message says nothing of where.
            try:
                enrollment_services.check_code_free(code=code, user_id=self.user.pk)
            except enrollment_services.EnrollmentError as error:
                raise forms.ValidationError(error.message) from error
        return code
