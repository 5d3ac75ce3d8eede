"""A hub manager's first hour, in a real browser: sign in, find "Manage", approve a join request, and the
clinician gets the email. Then the dashboard on a 390 px phone, in English and French: no table hides a column.

Bob manages Northern Lakes; Alice asked to join its spoke Lakeside LTC before Bob signed in.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation
from django.utils.translation import gettext

from hubs import services
from hubs.models import SpokeMembership
from tests import factories
from tests.e2e.axe import violations
from tests.e2e.mailbox import wait_for_mail as _wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase"
PHONE = {"width": 390, "height": 844}


def t(text: str, language: str = "en") -> str:
    with translation.override(language):
        return gettext(text)


@pytest.fixture
def spoke(hub):
    return factories.SpokeFactory(hub=hub, name="Lakeside Long-Term Care Home", kind="long_term_care")


def _open_menu_on_a_phone(page, language: str) -> None:
    menu = page.locator("details.site-menu")
    if menu.count() and not menu.evaluate("details => details.open") and page.viewport_size["width"] < 768:
        page.get_by_text(t("Menu", language), exact=True).click()


@pytest.mark.parametrize(
    "language, viewport",
    [
        ("en", {"width": 1280, "height": 900}),
        pytest.param("fr", PHONE, marks=pytest.mark.browser_locale("fr-CA"), id="fr-390px"),
    ],
)
def test_a_manager_signs_in_finds_manage_approves_a_request_and_the_clinician_is_emailed(
    page, live_server, hub, spoke, hub_manager, clinician, language, viewport
):
    hub_manager.set_password(PASSWORD)
    hub_manager.preferred_language = language
    hub_manager.save()
    EmailAddress.objects.update_or_create(
        user=hub_manager, email=hub_manager.email, defaults={"verified": True, "primary": True}
    )
    services.request_to_join(spoke=spoke, user=clinician)
    assert "Alice Tremblay" in _wait_for_mail("bob@example.org").subject  # the request reached Bob too
    page.set_viewport_size(viewport)

    page.goto("/")
    _open_menu_on_a_phone(page, language)
    page.get_by_role("navigation", name=t("Main", language)).get_by_role("link", name=t("Sign in", language)).click()
    page.locator("input[name=login]").fill("bob@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    _open_menu_on_a_phone(page, language)
    manage = t("Manage %(hub)s", language) % {"hub": "Northern Lakes Palliative Hub (demo)"}
    page.get_by_role("navigation", name=t("Main", language)).get_by_role("link", name=manage).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == t("%(hub)s: dashboard", language) % {
        "hub": "Northern Lakes Palliative Hub (demo)"
    }
    page.get_by_role("link", name=t("Review the requests", language)).click()
    request_row = page.get_by_role("row").filter(has_text="Alice Tremblay")
    approve = t('Approve<span class="visually-hidden"> %(name)s</span>', language) % {"name": "Alice Tremblay"}
    request_row.get_by_role("button", name=re.sub(r"<[^>]+>", "", approve)).click()
    page.wait_for_load_state()

    done = t("%(name)s is now a member of %(spoke)s.", language) % {
        "name": "Alice Tremblay",
        "spoke": "Lakeside Long-Term Care Home",
    }
    assert done in page.locator("[role=status]").inner_text()
    assert SpokeMembership.objects.get(user=clinician, spoke=spoke).status == SpokeMembership.Status.ACTIVE
    message = _wait_for_mail("alice@example.org")  # Alice reads English, whatever Bob's language
    assert message.subject == "You are now a member of Lakeside Long-Term Care Home"
    assert "approved your request" in message.body
    assert not page.console_problems, page.console_problems


@pytest.fixture
def busy_hub(hub, spoke, clinician):
    """A hub whose dashboard fills every table with long names, as real ones do."""
    series = factories.SeriesFactory(hub=hub, title="Palliative Care for Long-Term Care Homes: Community of Practice")
    session = factories.SessionFactory(series=series, title="Honouring Personhood in Advanced Dementia Care")
    rural = factories.SpokeFactory(
        hub=hub, name="Nipissing-Parry Sound Community Paramedicine Programme", kind="paramedic", rural_remote=True
    )
    for index, (where, profession) in enumerate([(spoke, "social_worker"), (rural, "paramedic")]):
        person = factories.UserFactory(email=f"learner{index}@example.org", profession=profession)
        factories.SpokeMembershipFactory(spoke=where, user=person)
        factories.RegistrationFactory(user=person, session=session, attended_minutes=55)
    return hub


def _assert_no_table_hides_a_column(page, *, expected_tables: int) -> None:
    tables = page.locator("main table")
    assert tables.count() == expected_tables
    for index in range(tables.count()):
        table = tables.nth(index)
        fits = table.evaluate(
            "t => t.getBoundingClientRect().right <= t.parentElement.getBoundingClientRect().right + 0.5"
        )
        last = table.locator("thead th").last.bounding_box()
        assert fits, f"table {index} is wider than the screen"
        assert last["x"] + last["width"] <= PHONE["width"], f"table {index} pushes its last column off the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_on_a_390_px_phone_no_portal_table_hides_a_column(
    page, live_server, sign_in, busy_hub, spoke, hub_manager, outsider, language
):
    hub_manager.preferred_language = language
    hub_manager.save()
    services.request_to_join(spoke=spoke, user=outsider)
    sign_in(hub_manager)
    page.set_viewport_size(PHONE)

    page.goto(f"/hubs/{busy_hub.slug}/manage/")
    _assert_no_table_hides_a_column(page, expected_tables=4)  # by series, profession, setting of care; spokes
    assert not violations(page), violations(page)  # WCAG 2.1 AA at phone size too (reflow, contrast, labels)

    page.goto(f"/hubs/{busy_hub.slug}/manage/members/")
    _assert_no_table_hides_a_column(page, expected_tables=2)  # requests to join (with their buttons), members
    assert not violations(page), violations(page)
    assert not page.console_problems, page.console_problems
