"""A clinician's whole first visit, in a real browser: sign up, confirm the email, enroll with a key, pick sessions.

The confirmation link is taken from the email the site really sent (the test mailbox), the key is
typed in lower case as people do on phones, and the journey ends where the learner checks it
worked: My learning. The same journey runs in French, switched with the header button, and once
more with the keyboard alone.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from enrollment.models import Enrollment, Registration
from tests import factories
from tests.e2e.axe import violations as _violations
from tests.e2e.mailbox import wait_for_mail as _wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/[^\s/]+/)")


def t(text: str, language: str) -> str:
    """What the page says for `text` in `language`: the site's own catalogue, so wording changes don't break this."""
    with translation.override(language):
        return gettext(text)


@pytest.fixture
def keyed_series():
    hub = factories.HubFactory(name="Northern Lakes Palliative Hub (demo)", slug="northern-lakes")
    series = factories.SeriesFactory(
        hub=hub,
        title="Long-Term Care Community of Practice",
        slug="ltc-cop",
        registration_mode="key",
        key_distributor="your regional hub",
    )
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    sessions = [
        factories.SessionFactory(series=series, title="Pain at the end of life", days_from_now=7),
        factories.SessionFactory(series=series, title="Goals of care conversations", days_from_now=14),
        factories.SessionFactory(series=series, title="Grief and bereavement", days_from_now=21),
    ]
    return series, sessions


def _body(message) -> str:
    parts = [message.body]
    parts += [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/plain"]
    return "\n".join(parts)


def _sign_up_and_confirm(page, *, email: str, language: str) -> None:
    page.get_by_role("link", name=t("Create an account", language)).first.click()
    page.locator("input[name=email]").fill(email)
    page.get_by_label(t("First name", language)).fill("Chantal")
    page.get_by_label(t("Last name", language)).fill("Lévesque")
    page.get_by_label(t("Profession", language)).select_option("registered_nurse")
    page.get_by_label(t("Province or territory", language)).select_option("ON")
    page.locator("input[name=password1]").fill("palliative care at home 2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    message = _wait_for_mail(email)
    link = CONFIRM_LINK.search(_body(message))
    assert link, f"no confirmation link in: {_body(message)[:500]}"
    page.goto(link.group(1))
    # The confirmation page is a form too (confirming on GET is off): it must meet WCAG 2.1 AA like the rest.
    assert not _violations(page), _violations(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name=t("Sign out", language)).is_visible(), "not signed in after confirming"


def _enroll_and_pick_two(page, series, sessions, *, language: str) -> None:
    page.goto(series.get_absolute_url())
    page.get_by_role("link", name=t("Enroll with your key", language)).click()
    page.get_by_label(t("Enrollment key", language)).fill("ltc2122")
    page.get_by_role("button", name=t("Enroll", language), exact=True).click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == t("Pick your sessions", language)
    page.get_by_label(sessions[0].title).check()
    page.get_by_label(sessions[2].title).check()
    consent = page.locator("input[name=consent]")
    if consent.count():
        consent.check()
    page.get_by_role("button", name=t("Register", language), exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == t("You are registered for these sessions", language)


def _check_my_learning(page, sessions, *, language: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name=t("My learning", language)).click()
    main = page.locator("main")
    assert sessions[0].title in main.inner_text()
    assert sessions[2].title in main.inner_text()
    assert sessions[1].title not in main.inner_text()


def test_a_clinician_signs_up_confirms_enrolls_with_a_lower_case_key_and_sees_two_sessions(
    page, live_server, keyed_series
):
    series, sessions = keyed_series
    page.goto("/")

    _sign_up_and_confirm(page, email="chantal@example.org", language="en")
    _enroll_and_pick_two(page, series, sessions, language="en")
    _check_my_learning(page, sessions, language="en")

    user = User.objects.get(email="chantal@example.org")
    assert Enrollment.objects.get(user=user, series=series).key.code == "LTC2122"
    assert set(Registration.objects.filter(user=user).values_list("session__title", flat=True)) == {
        sessions[0].title,
        sessions[2].title,
    }
    assert not page.console_problems, page.console_problems


@pytest.mark.browser_locale("en-CA")
def test_the_same_journey_in_french_after_pressing_the_language_button(page, live_server, keyed_series):
    series, sessions = keyed_series
    page.goto("/")
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "fr"

    _sign_up_and_confirm(page, email="chantal@example.org", language="fr")
    _enroll_and_pick_two(page, series, sessions, language="fr")
    _check_my_learning(page, sessions, language="fr")

    user = User.objects.get(email="chantal@example.org")
    assert user.preferred_language == "fr"
    # The confirmation email the learner acted on was written in French too.
    confirmation = _wait_for_mail("chantal@example.org")
    assert t("Confirm your email address", "fr") in confirmation.subject
    assert t("Confirm your email address", "en") not in confirmation.subject
    assert page.get_attribute("html", "lang") == "fr"
    assert not page.console_problems, page.console_problems


def _tab_to(page, predicate_js: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab until the focused element matches; fail if the page never gets there by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }})()"):
            _assert_focus_is_visible(page)
            return
    raise AssertionError(f"keyboard focus never reached an element where {predicate_js}")


def _assert_focus_is_visible(page) -> None:
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; })()"
    )
    visible = (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none"
    assert visible, f"the focused element shows no focus indicator: {style}"


def test_keyboard_only_through_enrollment_and_registration(page, live_server, sign_in, keyed_series):
    series, sessions = keyed_series
    learner = sign_in(factories.UserFactory(email="keyboard@example.org", preferred_language="en"))
    page.goto(series.get_absolute_url())

    _tab_to(page, f"el.textContent.trim() === {t('Enroll with your key', 'en')!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "el.name === 'key'")
    page.keyboard.type("ltc2122")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_role("heading", level=1).inner_text() == t("Pick your sessions", "en")
    for session in (sessions[0], sessions[1]):
        _tab_to(page, f"el.type === 'checkbox' && el.labels[0] && el.labels[0].textContent.includes({session.title!r})")
        page.keyboard.press("Space")
    if page.locator("input[name=consent]").count():
        _tab_to(page, "el.name === 'consent'")
        page.keyboard.press("Space")
    _tab_to(page, f"el.tagName === 'BUTTON' && el.textContent.trim() === {t('Register', 'en')!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_role("heading", level=1).inner_text() == t("You are registered for these sessions", "en")
    registered = set(Registration.objects.filter(user=learner).values_list("session__title", flat=True))
    assert registered == {sessions[0].title, sessions[1].title}
    assert not page.console_problems, page.console_problems


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server, keyed_series):
    series, _ = keyed_series
    page.goto(series.get_absolute_url())

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == t("Skip to main content", "en")
    _assert_focus_is_visible(page)
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.without_javascript
def test_enrollment_and_registration_work_without_javascript(page, live_server, sign_in, keyed_series):
    series, sessions = keyed_series
    learner = sign_in(factories.UserFactory(email="nojs@example.org", preferred_language="en"))

    _enroll_and_pick_two(page, series, sessions, language="en")
    _check_my_learning(page, sessions, language="en")

    assert Registration.objects.filter(user=learner).count() == 2
