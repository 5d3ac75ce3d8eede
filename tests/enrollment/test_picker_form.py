"""The picker's form as a visit draws it (enrollment/picker.py) is what RegistrationForm renders for the same sessions,
seats and holdings: every label, id, tick, badge and the consent box, in English and French and in the learner's
time zone, from a kept frame and kept session parts."""

import zoneinfo

import pytest
from django.utils import timezone, translation

from enrollment import picker, queries
from enrollment.forms import RegistrationForm
from enrollment.models import Registration
from enrollment.services import needs_privacy_consent
from tests.factories import RegistrationFactory, SeriesFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def series(clinician):
    series = SeriesFactory(title="Palliative Care & <LTC>", slug="ltc")
    full = SessionFactory(series=series, title='Pain "at the end" & <dyspnea>', days_from_now=3, capacity=1)
    SessionFactory(series=series, title="Delirium", title_fr="Délirium", days_from_now=5, capacity=3)
    one_left = SessionFactory(series=series, title="Grief", days_from_now=7, capacity=2)
    held = SessionFactory(series=series, title="Held", days_from_now=9, capacity=5)
    waiting = SessionFactory(series=series, title="Waiting", days_from_now=11, capacity=1)
    SessionFactory(series=series, title="Unlimited", days_from_now=13, capacity=None)
    for session in (full, one_left, waiting):
        RegistrationFactory(session=session, user=UserFactory())
    RegistrationFactory(session=held, user=clinician)
    RegistrationFactory(session=waiting, user=clinician, status=Registration.Status.WAITLISTED)
    RegistrationFactory(session=one_left, user=clinician, status=Registration.Status.CANCELLED)
    return series


def _as_the_form_renders_it(series, user, *, ask_consent: bool) -> str:
    """The form as a refused submission redraws it: sessions, seats and holdings read through the ORM."""
    sessions = queries.upcoming_sessions_with_seats(series=series)
    held = queries.registrations_in_series(user=user, series=series)
    for session in sessions:
        session.held = held.get(session.pk)
    form = RegistrationForm(sessions=sessions, ask_consent=ask_consent, initial={"sessions": list(held)})
    return str(form.render())


def _drawn(series, user, *, ask_consent: bool) -> str:
    return picker.form_html(picker.visit(series, user=user).choices, ask_consent=ask_consent)


@pytest.mark.parametrize("ask_consent", [False, True])
@pytest.mark.parametrize(
    "language, zone", [("en", "America/Toronto"), ("fr", "America/Toronto"), ("en", "America/Vancouver")]
)
def test_the_form_drawn_from_kept_parts_is_the_forms_own(series, clinician, ask_consent, language, zone):
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        expected = _as_the_form_renders_it(series, clinician, ask_consent=ask_consent)
        cold = _drawn(series, clinician, ask_consent=ask_consent)
        warm = _drawn(series, clinician, ask_consent=ask_consent)

    assert cold == expected and warm == expected
    assert "\x00" not in cold
    assert ("privacy" in cold) is ask_consent
    assert cold.count(" checked>") == 2


def test_another_learner_gets_their_own_ticks_and_badges(series, clinician):
    other = UserFactory(email="bob@example.org")
    mine = _drawn(series, clinician, ask_consent=False)

    theirs = _drawn(series, other, ask_consent=False)

    assert theirs == _as_the_form_renders_it(series, other, ask_consent=False)
    assert " checked>" not in theirs and "you are registered" in mine and "you are registered" not in theirs
    assert "Full: you can join the waitlist" in theirs and "1 seat left" in theirs


def test_no_session_left_is_an_empty_list_as_the_form_draws_it(clinician):
    series = SeriesFactory(slug="empty")

    assert _drawn(series, clinician, ask_consent=True) == _as_the_form_renders_it(series, clinician, ask_consent=True)


def test_the_page_ticks_what_the_learner_holds_and_keeps_the_legend(client, clinician, series):
    client.force_login(clinician)

    page = client.get("/series/ltc/register/").content.decode()

    assert "<legend>Choose your sessions</legend>" in page
    assert page.count(" checked>") == 2 and "you are on the waitlist" in page
    assert _as_the_form_renders_it(series, clinician, ask_consent=needs_privacy_consent(user=clinician)) in page
