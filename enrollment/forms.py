from django import forms
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.formatting import format_session_when
from core.page_cache import programme_fragment
from sessions.models import Session

from .models import Registration


class EnrollmentKeyForm(forms.Form):
    key = forms.CharField(
        label=_("Enrollment key"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, distributor: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if distributor:
            # The field template marks help text safe: escape what staff typed.
            self.fields["key"].help_text = format_html(
                gettext("You should have received this key from {who}."), who=distributor
            )
        else:
            self.fields["key"].help_text = gettext("Capital or small letters both work.")


def blank_key_form(*, auto_id: str) -> str:
    """The empty key box, as every page that offers one shows it: the same for everyone, so rendered once per
    language (the CSRF token is the page's own, outside it)."""
    return programme_fragment(f"key-form:{auto_id}", lambda: EnrollmentKeyForm(auto_id=auto_id).render())


def session_when(session: Session) -> str:
    """Written out already when the session was read for the picker (`queries.pickable_sessions`)."""
    return getattr(session, "when", None) or format_session_when(session.starts_at, session.ends_at)


def choice_label_head(session: Session) -> str:
    """The part of a session's label in the picker that is the same for every learner: its title, then its date and
    time (the seat state's badge and the closing tags follow, `session_choice_label`)."""
    return format_html(
        '<span class="pick"><span class="pick__title">{}</span> <span class="pick__meta">{}',
        session.title,
        session_when(session),
    )


def seat_badge(*, held_status: str | None, seats_left: int | None) -> str:
    """The badge after a session's date in the picker: the learner's own seat or place in line, else the seats
    left or that it is full; nothing for a session without a seat limit."""
    if held_status is not None:
        waiting = held_status == Registration.Status.WAITLISTED
        state = gettext("you are on the waitlist") if waiting else gettext("you are registered")
        badge = "soon" if waiting else "open"
    elif seats_left == 0:
        state, badge = gettext("Full: you can join the waitlist"), "full"
    elif seats_left is not None:
        state = ngettext("%(count)s seat left", "%(count)s seats left", seats_left) % {"count": seats_left}
        badge = "neutral"
    else:
        return ""
    return format_html(' <span class="badge badge--{}">{}</span>', badge, state)


def session_choice_label(session: Session) -> str:
    """Two lines a phone can read: the title, then the date and time with the seat state as a badge."""
    held = getattr(session, "held", None)
    badge = seat_badge(
        held_status=None if held is None else held.status, seats_left=getattr(session, "seats_left", None)
    )
    # Both parts built by format_html, their values escaped.
    return mark_safe(f"{choice_label_head(session)}{badge}</span></span>")  # noqa: S308


class RegistrationForm(forms.Form):
    """The upcoming sessions not yet held, as checkboxes, and consent on the first registration."""

    sessions = forms.TypedMultipleChoiceField(
        label=_("Choose your sessions"),
        coerce=int,
        # The session picker is drawn on every visit to it: the same markup as Django's widget, without a
        # template rendered for every session.
        widget=core_forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick at least one session.")},
    )

    def __init__(self, *args, sessions: list[Session], ask_consent: bool, drawn: bool = True, **kwargs):
        """`drawn=False`: a submission only checked, never shown (a refused one is drawn by a form of its own), so
        its choices carry no labels."""
        super().__init__(*args, **kwargs)
        self.available = {session.pk: session for session in sessions}
        self.fields["sessions"].choices = [
            (session.pk, session_choice_label(session) if drawn else "") for session in sessions
        ]
        # The legend is an instruction; "(required)" after it read like an error already made.
        self.fields["sessions"].show_required = False
        if ask_consent:
            self.fields["consent"] = privacy_consent_field(
                required_message=_("Please agree to the privacy policy to register.")
            )

    def chosen_sessions(self) -> list[Session]:
        return [self.available[pk] for pk in self.cleaned_data["sessions"]]


def _privacy_consent_label() -> str:
    return format_html(gettext('I agree to the <a href="{url}">privacy policy</a>.'), url=reverse("privacy"))


def privacy_consent_field(*, required_message) -> forms.BooleanField:
    # The label (a translation and an address) is built when the field is drawn: a submission is only checked.
    return forms.BooleanField(
        label=lazy(_privacy_consent_label, SafeString)(), error_messages={"required": required_message}
    )


class JoinRequestForm(forms.Form):
    """Asking to join a series by approval: an optional note to the reviewers, and consent when not yet given."""

    note = forms.CharField(
        label=_("Note to the reviewers (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you would like to join, or anything the hub should know. At most 1,000 characters."),
    )

    def __init__(self, *args, ask_consent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_consent:
            self.fields["consent"] = privacy_consent_field(
                required_message=_("Please agree to the privacy policy to ask to join.")
            )


class JoinDecisionForm(forms.Form):
    """Staff's optional message with a decision on requests to join, sent in the email to each person."""

    message = forms.CharField(
        label=_("Message to the people you answer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Included in the email each person receives, for example when the series starts or why not."),
    )
