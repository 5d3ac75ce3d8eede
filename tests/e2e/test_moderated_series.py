"""A series by approval, in a real browser: a clinician asks to join, the hub manager approves from the hub
portal, and the clinician follows the email's link to pick sessions. Each page meets WCAG 2.1 AA (axe).

Alice is a nurse in a spoke of Northern Lakes; Bob manages that hub, as the demo's manager@example.org does.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from enrollment.models import Enrollment, JoinRequest, Registration
from series.models import Series
from tests import factories
from tests.e2e.axe import violations
from tests.e2e.mailbox import wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PICKER_LINK = re.compile(r"https?://\S+?(/series/[\w-]+/register/)")


def t(text: str, language: str = "en") -> str:
    with translation.override(language):
        return gettext(text)


def _visible(html_message: str) -> str:
    return re.sub(r"<[^>]+>", "", html_message)


@pytest.fixture
def rounds(hub):
    series = factories.SeriesFactory(
        hub=hub,
        title="Northern Lakes Palliative Care Rounds",
        slug="northern-rounds",
        registration_mode=Series.RegistrationMode.APPROVAL,
        capacity=20,
    )
    sessions = [
        factories.SessionFactory(series=series, title="Last weeks of life at home", days_from_now=9),
        factories.SessionFactory(series=series, title="Symptom relief far from hospital", days_from_now=40),
    ]
    return series, sessions


def test_a_clinician_asks_the_manager_approves_and_the_email_link_leads_to_the_picker(
    browser, live_server, hub, hub_manager, clinician, rounds, sign_in, page
):
    series, sessions = rounds
    clinician.organisation = "Lakeside Long-Term Care Home"
    clinician.save()

    # Alice asks to join from the series page.
    sign_in(clinician)
    page.goto(series.get_absolute_url())
    assert t("Registration by approval") in page.locator("main").inner_text()
    page.get_by_role("link", name=t("Ask to join"), exact=True).click()
    page.wait_for_load_state()
    assert "Lakeside Long-Term Care Home" in page.locator("main").inner_text()  # what the reviewers will see
    assert not violations(page), violations(page)
    page.get_by_label(t("Note to the reviewers (optional)")).fill("I lead palliative care in our home.")
    consent = page.locator("input[name=consent]")
    if consent.count():
        consent.check()
    page.get_by_role("button", name=t("Ask to join"), exact=True).click()
    page.wait_for_load_state()
    assert t("Waiting for approval") in page.locator("main").inner_text()
    page.goto("/me/")
    assert t("Waiting for approval") in page.locator("main").inner_text()
    assert not Enrollment.objects.filter(user=clinician).exists()

    # Bob, in his own browser, approves it from the hub portal.
    manager_context = browser.new_context(base_url=live_server.url, locale="en-CA", timezone_id="America/Toronto")
    from django.conf import settings
    from django.test import Client

    staff_client = Client()
    staff_client.force_login(hub_manager, backend="django.contrib.auth.backends.ModelBackend")
    cookie = staff_client.cookies[settings.SESSION_COOKIE_NAME]
    manager_context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    manager = manager_context.new_page()
    try:
        manager.goto(f"/hubs/{hub.slug}/manage/")
        manager.get_by_role("link", name=t("Review the requests to join series")).click()
        manager.wait_for_load_state()
        card = manager.locator("li.card").filter(has_text="Alice Tremblay")
        assert "I lead palliative care in our home." in card.inner_text()
        assert not violations(manager), violations(manager)
        manager.get_by_label(t("Message to the people you answer (optional)")).fill("Welcome to the rounds!")
        approve = _visible(t('Approve<span class="visually-hidden"> %(name)s</span>') % {"name": "Alice Tremblay"})
        card.get_by_role("button", name=approve).click()
        manager.wait_for_load_state()
        done = t("%(count)d person was enrolled and told by email.") % {"count": 1}
        assert done in manager.locator("[role=status]").first.inner_text()
        assert t("No one is waiting for a decision.") in manager.locator("main").inner_text()
    finally:
        manager_context.close()
    assert JoinRequest.objects.get(user=clinician).state == JoinRequest.State.APPROVED

    # Alice follows the link in her email and picks a session.
    message = wait_for_mail("alice@example.org")
    assert message.subject == "Your request to join Northern Lakes Palliative Care Rounds was approved"
    assert "Welcome to the rounds!" in message.body
    link = PICKER_LINK.search(message.body)
    assert link, message.body[:800]
    page.goto(link.group(1))
    assert page.get_by_role("heading", level=1).inner_text() == t("Pick your sessions")
    assert not violations(page), violations(page)
    page.get_by_label(sessions[1].title).check()
    page.get_by_role("button", name=t("Register"), exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == t("You are registered for these sessions")
    assert Registration.objects.get(user=clinician).session == sessions[1]
    assert not page.console_problems, page.console_problems
