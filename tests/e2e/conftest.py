"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per test process (session scope), one fresh context per test, so a journey never sees
another's cookies. A failing test leaves a full-page screenshot under tests/e2e/artifacts/.
Without Chromium the journeys skip with the reason; in CI (CI=true) they fail instead.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import _missing

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Generous for a 2-core CI machine running two test processes; a real hang still fails quickly.
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium, or set PLAYWRIGHT_CHROMIUM_EXECUTABLE)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser lives; the ORM calls tests make
    # around it are still synchronous, so Django's guard against async contexts is lifted for that time only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_context(browser, live_server, request):
    """A fresh browser profile for one test, in English unless the test says otherwise (marker `browser_locale`),
    with JavaScript unless the test is marked `without_javascript`."""
    marker = request.node.get_closest_marker("browser_locale")
    locale = marker.args[0] if marker else "en-CA"
    context = browser.new_context(
        base_url=live_server.url,
        locale=locale,
        viewport={"width": 1280, "height": 900},
        timezone_id="America/Toronto",
        java_script_enabled=request.node.get_closest_marker("without_javascript") is None,
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request):
    """A page whose console is watched: a Content-Security-Policy violation or a script error fails the test."""
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" and not _is_expected_console_error(message.text)
            else None
        ),
    )
    page.console_problems = problems
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the test's own failure
            print(f"screenshot failed: {exc}")
    page.close()


def _is_expected_console_error(text: str) -> bool:
    # Chromium logs every 4xx/5xx response as a console error; journeys assert on status codes themselves.
    return "Failed to load resource" in text


@pytest.fixture
def sign_in(browser_context, live_server):
    """Sign a user in by giving the browser a real session cookie (no need to drive the login form each time)."""
    from django.conf import settings
    from django.test import Client

    def _sign_in(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        browser_context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return user

    return _sign_in


def pytest_configure(config):
    config.addinivalue_line("markers", "browser_locale(locale): the browser's language for this test, e.g. fr-CA")
    config.addinivalue_line("markers", "without_javascript: the browser runs no script, as on a locked-down device")
