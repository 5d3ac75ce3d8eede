"""Every public page and every form, in English and in French, passes axe-core's WCAG 2.1 A and AA rules.

axe runs in the same Chromium the journeys use, on the page as served (real stylesheet, real CSP),
so contrast, labels, landmarks and the language of the page are checked as a visitor gets them.
A serious or critical violation fails; each is listed with the page and the offending element.
"""

import pytest

from tests.e2e.axe import violations as _violations
from tests.e2e.pages import Page, build_programme, clinician_pages, manager_pages, public_pages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _check(page, pages: list[Page], language: str) -> list[str]:
    problems = []
    for entry in pages:
        response = page.goto(entry.url)
        if response is None or response.status >= 400:
            problems.append(f"{entry.name} {entry.url}: HTTP {response.status if response else 'no response'}")
            continue
        if page.get_attribute("html", "lang") != language:
            problems.append(f"{entry.name}: <html lang> is {page.get_attribute('html', 'lang')!r}, not {language!r}")
        problems += [f"{entry.name}: {v}" for v in _violations(page)]
        if entry.form:
            # The error state: submitted empty (the browser's own checks set aside), errors must be announced.
            page.evaluate("document.querySelectorAll('form').forEach(form => { form.noValidate = true; })")
            page.locator("main form button[type=submit], main form input[type=submit]").first.click()
            page.wait_for_load_state()
            problems += [f"{entry.name} (after an empty submission): {v}" for v in _violations(page)]
    problems += page.console_problems
    return problems


def _report(problems: list[str]) -> str:
    return "accessibility problems:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_meet_wcag_21_aa(page, browser_context, live_server, language):
    programme = build_programme()
    _use_language(browser_context, live_server, language)
    problems = _check(page, public_pages(programme), language)
    assert not problems, _report(problems)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_signed_in_pages_and_forms_meet_wcag_21_aa(page, browser_context, sign_in, language):
    programme = build_programme()
    programme.clinician.preferred_language = language
    programme.clinician.save(update_fields=["preferred_language"])
    programme.manager.preferred_language = language
    programme.manager.save(update_fields=["preferred_language"])
    sign_in(programme.clinician)
    problems = _check(page, clinician_pages(programme), language)
    if manager_pages(programme):
        browser_context.clear_cookies()
        sign_in(programme.manager)
        problems += _check(page, manager_pages(programme), language)
    assert not problems, _report(problems)


def _use_language(browser_context, live_server, language: str) -> None:
    """The language switch's cookie, as a visitor who pressed the header button has it."""
    from django.conf import settings

    browser_context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pages_reflow_on_a_small_phone_without_sideways_scrolling(page, browser_context, live_server, language):
    """WCAG 1.4.10: at 320 CSS pixels wide, nothing needs scrolling in two directions (French words are longer)."""
    programme = build_programme()
    _use_language(browser_context, live_server, language)
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = []
    for entry in public_pages(programme):
        page.goto(entry.url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            too_wide.append(f"{entry.name}: {overflow}px wider than the screen")
    assert not too_wide, "pages that scroll sideways on a phone:\n  " + "\n  ".join(too_wide)


def _too_wide(page, pages: list[Page]) -> list[str]:
    found = []
    for entry in pages:
        page.goto(entry.url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            found.append(f"{entry.name}: {overflow}px wider than the screen")
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_signed_in_pages_reflow_on_a_small_phone_and_tables_scroll_in_their_own_box(page, sign_in, language):
    """A wide table (a hub's spokes, its members) scrolls sideways inside its box; the page itself never does,
    not even through the words hidden for screen readers in its links ("Edit<hidden> Birch Bay…</hidden>")."""
    programme = build_programme()
    for person in (programme.clinician, programme.manager):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(programme.clinician)
    too_wide = _too_wide(page, clinician_pages(programme))
    page.context.clear_cookies()
    sign_in(programme.manager)
    too_wide += _too_wide(page, manager_pages(programme))
    assert not too_wide, "pages that scroll sideways on a phone:\n  " + "\n  ".join(too_wide)


def test_the_check_catches_what_it_must(page):
    """The gate is not vacuous: an unlabelled field and an image without text are reported."""
    page.set_content('<!DOCTYPE html><html lang="en"><body><main><img src="x.png"><input></main></body></html>')
    found = " ".join(_violations(page))
    assert "image-alt" in found and "label" in found


@pytest.mark.urls("tests.error_pages_urls")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_error_pages_meet_wcag_21_aa(page, browser_context, live_server, language):
    _use_language(browser_context, live_server, language)
    problems = []
    for url, status in (("/no-such-page/", 404), ("/database-down/", 500)):
        response = page.goto(url)
        if response is None or response.status != status:
            problems.append(f"{url}: HTTP {response.status if response else 'no response'}, not {status}")
            continue
        if page.get_attribute("html", "lang") != language:
            problems.append(f"{url}: <html lang> is {page.get_attribute('html', 'lang')!r}, not {language!r}")
        problems += [f"{url}: {v}" for v in _violations(page)]
    assert not problems, _report(problems)
