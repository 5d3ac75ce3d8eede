"""The session picker's form as a visit draws it (GET), without building the form.

`RegistrationForm` renders through two templates and a widget for every visit to the picker, though all of it but
which boxes are ticked and the seat badges is the same for everyone: the frame (legend, consent with its privacy
link) for a language, and each session's title and time for a language and time zone. So the frame is drawn by the
form itself once and kept with a hole where its checkboxes go (`form_frame`), the sessions' shared parts are kept
with the programme (`shared_sessions`), and each visit writes the checkboxes out with the learner's ticks and the
seats counted now (read with the learner's enrollment in one query, `visit`), as Django's widget writes them
(core.forms.CheckboxSelectMultiple).
tests/enrollment/test_picker_form.py holds the result to what the form renders for the same sessions.

A submission (POST) still goes through the form: it validates, and a refused one is redrawn with its errors.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.utils import timezone
from django.utils.safestring import mark_safe

from core.page_cache import programme_fragment, programme_value
from series.models import Series

from . import queries
from .forms import RegistrationForm, choice_label_head, seat_badge
from .models import Enrollment

# Where the checkboxes go in the kept frame: no character that escaping changes.
_OPTIONS_HOLE = "\x00picker-options\x00"
_NO_OPTIONS = '<div id="id_sessions">\n</div>'


class SharedSession(NamedTuple):
    """What every learner's picker shows of a session one can still pick."""

    pk: int
    starts_at: dt.datetime
    capacity: int | None
    label_head: str  # `forms.choice_label_head`: its title and time, escaped


class Choice(NamedTuple):
    """A session as this learner's picker shows it now."""

    session: SharedSession
    held_status: str | None  # the learner's registration in it, if any
    seats_left: int | None  # None when unlimited


def shared_sessions(series: Series) -> list[SharedSession]:
    """The sessions of the series one could still pick, as every learner sees them: kept with the programme (a
    session that has started since is left out by `choices`)."""

    def read() -> list[SharedSession]:
        return [
            SharedSession(session.pk, session.starts_at, session.capacity, str(choice_label_head(session)))
            for session in queries.pickable_sessions(series=series)
        ]

    return programme_value(f"picker:choices:{series.pk}", read)


class Visit(NamedTuple):
    """What the picker reads for one learner's visit."""

    enrollment: Enrollment | None  # theirs in the series, if any
    choices: list[Choice]  # the sessions left to pick


def visit(series: Series, *, user, now: dt.datetime | None = None) -> Visit:
    """The learner's enrollment in the series, and the sessions left to pick with the seats taken and what this
    learner holds counted now: one query (the view needs the enrollment first, to send away a learner who may not
    pick yet, and reads the seats with it rather than in a second round trip)."""
    now = now or timezone.now()
    shown = [session for session in shared_sessions(series) if session.starts_at > now]
    enrollment, counts = queries.enrollment_and_seats(
        user=user, series=series, session_ids=[session.pk for session in shown]
    )
    result = []
    for session in shown:
        taken, mine = counts.get(session.pk, (0, None))
        result.append(Choice(session, mine, queries.seats_left(session.capacity, taken)))
    return Visit(enrollment, result)


def form_frame(*, ask_consent: bool) -> str:
    """The picker's form as `RegistrationForm` renders it unbound, with a hole where its checkboxes go: the same for
    everyone in a language, so drawn once."""

    def render() -> str:
        html = str(RegistrationForm(sessions=[], ask_consent=ask_consent).render())
        if html.count(_NO_OPTIONS) != 1:
            raise ValueError("the picker's form no longer draws its checkboxes as one list")
        return html.replace(_NO_OPTIONS, _OPTIONS_HOLE)

    return programme_fragment(f"picker:form-frame:{ask_consent}", render)


def _checkbox(index: int, choice: Choice) -> str:
    label = f"{choice.session.label_head}{seat_badge(held_status=choice.held_status, seats_left=choice.seats_left)}"
    ticked = " checked" if choice.held_status is not None else ""
    # As Django's CheckboxSelectMultiple writes an option; the id is an integer, the label escaped already.
    return (
        f'<div>\n    <label for="id_sessions_{index}"><input type="checkbox" name="sessions"'
        f' value="{choice.session.pk}" id="id_sessions_{index}"{ticked}>\n {label}</span></span></label>\n\n</div>'
    )


def form_html(choices: list[Choice], *, ask_consent: bool) -> str:
    """The picker's form for this learner, unbound: what `RegistrationForm(sessions=…, initial=<what they hold>)`
    renders, each session they hold ticked."""
    options = "".join(_checkbox(index, choice) for index, choice in enumerate(choices))
    html = form_frame(ask_consent=ask_consent).replace(_OPTIONS_HOLE, f'<div id="id_sessions">{options}\n</div>')
    return mark_safe(html)  # noqa: S308 (the form's own rendering, and labels escaped by format_html)
