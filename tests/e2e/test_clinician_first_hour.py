"""The clinician's first hour on a 390 px phone, in French: the home page's key box while signed out, creating
an account, confirming it from the email, landing on the picker of the key's series, picking two sessions,
and finding them, next one first, on My learning. Every step through the page a person uses."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from enrollment.models import Enrollment, Registration
from tests import factories
from tests.e2e.mailbox import wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CONFIRM_LINK = re.compile(r"https?://\S+?(/accounts/confirm-email/[^\s/]+/)")


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


@pytest.mark.browser_locale("fr-CA")
def test_a_francophone_clinician_goes_from_the_home_page_key_box_to_my_learning_on_a_phone(page, live_server):
    series = factories.SeriesFactory(
        title="Communauté de pratique en soins de longue durée",
        slug="cdp-sld",
        language="fr",
        registration_mode="key",
    )
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    first = factories.SessionFactory(series=series, title="Douleur en fin de vie", days_from_now=5)
    factories.SessionFactory(series=series, title="Objectifs de soins", days_from_now=12)
    third = factories.SessionFactory(series=series, title="Deuil", days_from_now=19)
    page.set_viewport_size(PHONE)

    # Home: the key box is on the first screen; the key is typed with a space, as on a phone.
    page.goto("/")
    assert page.get_attribute("html", "lang") == "fr"
    key_field = page.get_by_role("textbox", name=fr("Enrollment key"))
    assert key_field.bounding_box()["y"] < PHONE["height"]
    key_field.fill("ltc 2122")
    page.get_by_role("button", name=fr("Use this key")).click()
    page.wait_for_load_state()

    # Signed out: sign in or create an account; the key is kept.
    assert "/accounts/login/" in page.url
    page.locator("main a[href^='/accounts/signup/']").first.click()
    page.locator("input[name=email]").fill("genevieve@example.org")
    page.get_by_label(fr("First name")).fill("Geneviève")
    page.get_by_label(fr("Last name")).fill("Côté")
    page.get_by_label(fr("Profession")).select_option("physician")
    page.get_by_label(fr("Province or territory")).select_option("QC")
    page.locator("input[name=password1]").fill("soins palliatifs a domicile 2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # The confirmation email, in French, from the outbox; confirming signs in and goes on to the picker.
    message = wait_for_mail("genevieve@example.org")
    assert "Portail ECHO" in message.body
    page.goto(CONFIRM_LINK.search(message.body).group(1))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/series/{series.slug}/register/")
    assert page.get_by_role("heading", level=1).inner_text() == fr("Pick your sessions")
    user = User.objects.get(email="genevieve@example.org")
    assert Enrollment.objects.get(user=user, series=series).key.code == "LTC2122"

    # The picker: two lines per session, the button in reach at the bottom of the screen.
    legend = page.locator("main fieldset legend").inner_text()
    assert legend == fr("Choose your sessions") and "(" not in legend
    page.get_by_label(first.title).check()
    page.get_by_label(third.title).check()
    page.locator("input[name=consent]").check()
    submit = page.locator("main form[data-once] button[type=submit]")
    box = submit.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    submit.click()
    page.wait_for_url(f"**/series/{series.slug}/register/done/?*")
    assert set(Registration.objects.filter(user=user).values_list("session__title", flat=True)) == {
        first.title,
        third.title,
    }

    # My learning, from the phone menu: the next session first.
    page.locator(".site-menu__toggle").click()
    page.locator(".site-nav").get_by_role("link", name=fr("My learning")).click()
    next_box = page.locator("section.next-session")
    assert first.title in next_box.inner_text()
    assert third.title in page.locator("main").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert not page.console_problems, page.console_problems
