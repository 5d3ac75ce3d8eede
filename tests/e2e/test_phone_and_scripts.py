"""On a phone: a one-row header whose menu opens without JavaScript, a home page that starts with the key box,
and the two small scripts (a form sent once, the calendar link copied) wired to the pages that need them."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from enrollment.models import Registration
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _use_language(browser_context, live_server, language: str) -> None:
    """The language switch's cookie, as a visitor who pressed the header button has it."""
    from django.conf import settings

    browser_context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


@pytest.fixture
def busy_programme():
    series = factories.SeriesFactory(title="Long-Term Care Community of Practice", slug="ltc-cop")
    return [factories.SessionFactory(series=series, title=f"Session {n}", days_from_now=n + 1) for n in range(60)]


@pytest.mark.without_javascript
@pytest.mark.parametrize("language", ["en-CA", "fr-CA"])
def test_the_phone_header_is_one_row_and_its_menu_opens_without_javascript(
    page, browser_context, live_server, language
):
    page.set_viewport_size(PHONE)
    _use_language(browser_context, live_server, language[:2])
    page.goto("/")
    header = page.locator(".site-header")
    switch = page.locator(".language-switch button")
    with translation.override(language[:2]):
        programs = page.locator(".site-nav").get_by_role("link", name=gettext("Programs"), exact=True)

    assert header.bounding_box()["height"] < 80
    assert switch.is_visible() and switch.bounding_box()["y"] < 80
    assert not programs.is_visible()

    page.locator(".site-menu__toggle").click()

    assert programs.is_visible()
    programs.click()
    assert page.url.endswith("/series/")


def test_escape_closes_the_open_phone_menu_and_the_focus_goes_back_to_its_button(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto("/")
    toggle = page.locator(".site-menu__toggle")
    programs = page.locator(".site-nav").get_by_role("link", name="Programs", exact=True)
    toggle.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert programs.is_visible()

    page.keyboard.press("Escape")

    expect(programs).to_be_hidden()
    expect(toggle).to_be_focused()


def test_on_a_wide_screen_the_links_are_in_the_header_row(page, live_server):
    page.goto("/")

    assert not page.locator(".site-menu__toggle").is_visible()
    assert page.locator(".site-nav").get_by_role("link", name="Past sessions").is_visible()


@pytest.mark.parametrize("language", ["en-CA", "fr-CA"])
def test_the_phone_home_page_starts_with_the_key_box_and_stays_short(
    page, browser_context, live_server, busy_programme, language
):
    page.set_viewport_size(PHONE)
    _use_language(browser_context, live_server, language[:2])
    page.goto("/")

    key_box = page.locator("#have-key")
    assert key_box.bounding_box()["y"] + key_box.bounding_box()["height"] < PHONE["height"]
    assert page.locator(".session-card").count() == 10
    # Sixty cards measured 13,700 px on a phone; a page of ten stays a few screens long.
    assert page.evaluate("document.documentElement.scrollHeight") < 8000
    page.locator("a[rel=next]").first.click()
    assert page.locator(".session-card").first.inner_text().startswith("Session 10")


@pytest.fixture
def session_picked(page, live_server, clinician, sign_in):
    """The picker of an open series, one session ticked and consent given, ready to submit."""
    series = factories.SeriesFactory(title="Open Community", slug="open-cop")
    factories.SessionFactory(series=series, title="Pain at the end of life")
    sign_in(clinician)
    page.goto("/series/open-cop/register/")
    page.get_by_label("Pain at the end of life").check()
    page.locator("input[name=consent]").check()
    return page


def test_a_form_marked_data_once_submits_once_however_often_it_is_pressed(session_picked):
    page = session_picked
    # Count the submissions that would leave the page (after the site's own handler), and keep the page here,
    # as a slow rural link would keep it while the first one travels.
    page.evaluate(
        """() => { window.sent = 0; window.addEventListener("submit", (event) => {
             if (!event.defaultPrevented) window.sent += 1; event.preventDefault(); }); }"""
    )
    form = page.locator("main form[data-once]")
    submit = form.locator("button[type=submit]")

    submit.click()
    expect(submit).to_be_disabled()
    submit.click(force=True)
    form.evaluate("form => form.requestSubmit()")

    assert page.evaluate("window.sent") == 1
    assert form.get_attribute("aria-busy") == "true"


def test_a_double_click_on_register_takes_one_seat(session_picked, clinician):
    page = session_picked

    page.locator("main form[data-once] button[type=submit]").dblclick()
    page.wait_for_url("**/series/open-cop/register/done/?*")

    assert Registration.objects.filter(user=clinician).count() == 1


def test_the_calendar_link_is_copied_with_one_press(page, browser_context, live_server, clinician, sign_in):
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(clinician)
    page.goto("/me/")
    feed_url = page.locator("#calendar-feed-url").input_value()

    page.get_by_role("button", name="Copy the link").click()

    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == feed_url
    assert feed_url.endswith(f"/me/calendar/{clinician.calendar_token}.ics")


@pytest.mark.without_javascript
def test_without_javascript_the_copy_button_is_not_offered(page, live_server, clinician, sign_in):
    sign_in(clinician)
    page.goto("/me/")

    assert page.locator("#calendar-feed-url").is_visible()
    assert not page.get_by_role("button", name="Copy the link").is_visible()


def test_the_picker_reads_in_two_lines_with_a_badge_and_keeps_its_button_in_reach(
    page, live_server, clinician, sign_in
):
    series = factories.SeriesFactory(title="Thirteen-session Community", slug="thirteen")
    for n in range(13):
        factories.SessionFactory(series=series, title=f"Session {n + 1}", days_from_now=7 * (n + 1), capacity=30)
    sign_in(clinician)
    page.set_viewport_size(PHONE)
    page.goto("/series/thirteen/register/")

    choice = page.locator("main fieldset label").first
    title_box = choice.locator(".pick__title").bounding_box()
    meta_box = choice.locator(".pick__meta").bounding_box()
    assert meta_box["y"] >= title_box["y"] + title_box["height"] - 1
    assert choice.locator(".badge").inner_text() == "30 seats left"
    legend = page.locator("main fieldset legend").inner_text()
    assert legend == "Choose your sessions"

    submit = page.locator("main form[data-once] button[type=submit]")
    for scrolled in (0, 1500):
        page.evaluate(f"window.scrollTo(0, {scrolled})")
        box = submit.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], scrolled


def test_on_a_phone_a_table_wider_than_the_screen_scrolls_by_keyboard(page, live_server, sign_in, hub, hub_manager):
    factories.SpokeFactory(
        hub=hub, contact_name="Marie-Ève Tremblay-Bouchard", contact_email="coordination.soins.palliatifs@example.org"
    )
    sign_in(hub_manager)
    page.set_viewport_size(PHONE)
    page.goto(f"/hubs/{hub.slug}/manage/spokes/")
    box = page.locator(".table-scroll")

    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(page.get_by_role("region", name="Spokes")).to_be_visible()  # named by the page's heading
    for _ in range(30):  # by Tab alone, as a keyboard user gets there
        page.keyboard.press("Tab")
        if box.evaluate("box => box === document.activeElement"):
            break
    assert box.evaluate("box => box === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-scroll').scrollLeft > 0")

    page.keyboard.press("Shift+Tab")
    page.set_viewport_size({"width": 1600, "height": 900})  # the table fits: the box leaves the tab order
    page.wait_for_function("() => !document.querySelector('.table-scroll').hasAttribute('tabindex')")
