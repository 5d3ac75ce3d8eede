"""The public side in a real browser: a French-speaking nurse joins the mailing list, confirms from the real email,
receives a staff announcement in French and leaves with one click from it; an organisation applies to partner and
staff see it in admin.
"""

import re
import time

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from outreach.models import PartnerInquiry, Subscriber
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://\S+?(/stay-connected/confirm/[^\s/]+/)")
UNSUBSCRIBE_LINK = re.compile(r"https?://\S+?(/stay-connected/unsubscribe/[^\s/]+/)")


def t(text: str, language: str = "fr") -> str:
    with translation.override(language):
        return gettext(text)


def _wait_for_mail(address: str, *, subject_contains: str = "", seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if address in message.to and subject_contains in message.subject:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email reached {address}; sent: {[(m.to, m.subject) for m in mail.outbox]}")


@pytest.mark.browser_locale("fr-CA")
def test_subscribe_confirm_receive_a_french_announcement_and_leave_with_one_click(page, browser, live_server, settings):
    settings.SITE_URL = live_server.url
    staff = factories.UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)

    # 1. The visitor finds the form from the home page and joins, in French.
    page.goto("/")
    page.locator("main").get_by_role("link", name=t("Stay connected: join the mailing list")).click()
    assert page.get_attribute("html", "lang") == "fr"
    consent = page.get_by_label(re.compile("^Oui, je veux recevoir des courriels"))
    assert not consent.is_checked()
    page.get_by_label(t("Email address")).fill("nadia.roy@example.org")
    page.locator("input[name=name]").fill("Nadia Roy")
    page.get_by_label(t("Profession")).select_option("registered_nurse")
    page.get_by_label(t("Province or territory")).select_option("QC")
    assert page.get_by_label(t("French"), exact=True).is_checked()  # the page's language, already chosen
    consent.check()
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name=t("Check your email")).wait_for()
    subscriber = Subscriber.objects.get(email="nadia.roy@example.org")
    assert subscriber.status == "pending"
    assert subscriber.consent_text.startswith("Oui, je veux recevoir des courriels")

    # 2. She confirms from the email the site really sent.
    confirmation = _wait_for_mail("nadia.roy@example.org")
    assert confirmation.subject == t("Confirm your subscription to the Palliative Care ECHO mailing list")
    page.goto(CONFIRM_LINK.search(confirmation.body).group(1))
    page.get_by_role("button", name=t("Confirm and join the mailing list")).click()
    page.get_by_text("nadia.roy@example.org est inscrite à la liste d’envoi").wait_for()
    subscriber.refresh_from_db()
    assert subscriber.status == "subscribed"

    # 3. Staff write an announcement in admin, for French readers in Quebec, and send it.
    staff_context = browser.new_context(base_url=live_server.url, locale="en-CA")
    try:
        _sign_in(staff_context, staff, live_server.url)
        admin = staff_context.new_page()
        admin.goto("/admin/outreach/mailing/add/")
        admin.locator("input[name=subject_en]").fill("A new community of practice in long-term care")
        admin.locator("input[name=subject_fr]").fill("Une nouvelle communauté de pratique en soins de longue durée")
        admin.locator("textarea[name=body_en]").fill("Registration is open.")
        admin.locator("textarea[name=body_fr]").fill("Les inscriptions sont ouvertes.")
        admin.locator("input[name=languages][value=fr]").check()
        admin.locator("input[name=provinces][value=QC]").check()
        admin.locator("input[name=_save]").click()
        admin.locator("#result_list").get_by_role("link", name="A new community of practice in long-term care").click()
        admin.get_by_role("link", name="Preview, test and send").click()
        admin.get_by_role("paragraph").filter(has_text="Les inscriptions sont ouvertes.").wait_for()
        admin.get_by_role("button", name="Send to 1 subscriber").click()
        admin.get_by_text("Sending to 1 subscriber.").wait_for()
    finally:
        staff_context.close()

    # 4. The announcement reaches her in French, and she leaves with one click from it.
    announcement = _wait_for_mail("nadia.roy@example.org", subject_contains="Une nouvelle communauté")
    assert "Les inscriptions sont ouvertes." in announcement.body
    assert settings.MAILING_SENDER_NAME in announcement.body
    header = announcement.extra_headers["List-Unsubscribe"].strip("<>")
    assert announcement.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    visible = UNSUBSCRIBE_LINK.search(announcement.body).group(1)
    assert header.endswith(visible)
    # The mail client's own "unsubscribe" button: a POST with no session, no cookie (RFC 8058).
    mail_client = browser.new_context(base_url=live_server.url)
    try:
        response = mail_client.request.post(header, form={"List-Unsubscribe": "One-Click"})
        assert response.status == 200
    finally:
        mail_client.close()
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.withdrawn_how) == ("withdrawn", "one-click")

    # The visible link in the email says so in her language.
    page.goto(visible)
    page.get_by_text(t("This address is not on the mailing list: we send it no mailings.")).wait_for()


def test_an_organisation_applies_to_partner_and_staff_follow_it_up_in_admin(page, browser, live_server):
    staff = factories.UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)

    page.goto("/")
    page.locator("footer").get_by_role("link", name="Become a hub partner").click()
    page.get_by_label(re.compile(r"^Organisation")).fill("Lakeshore Long-Term Care Group")
    page.get_by_label("Contact person").fill("Marie Gagnon")
    page.get_by_label("Email address").fill("marie@lakeshore.example.org")
    page.get_by_label("Province or territory").select_option("ON")
    page.get_by_label("Kind of organisation").select_option("ltc_operator")
    page.get_by_label("Communities served").fill("Twelve homes around Sudbury")
    page.get_by_label("Message").fill("We would like to run a community of practice for our nurses.")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Thank you for your interest").wait_for()

    staff_context = browser.new_context(base_url=live_server.url, locale="en-CA")
    try:
        _sign_in(staff_context, staff, live_server.url)
        admin = staff_context.new_page()
        admin.goto("/admin/outreach/partnerinquiry/")
        admin.locator("#result_list").get_by_role("link", name="Lakeshore Long-Term Care Group").click()
        admin.get_by_text("Twelve homes around Sudbury").wait_for()
        admin.locator("select[name=next_status]").select_option("contacted")
        admin.locator("input[name=change_note]").fill("Called Marie")
        admin.locator("input[name=_save]").click()
        admin.get_by_text("was changed successfully").wait_for()
    finally:
        staff_context.close()
    inquiry = PartnerInquiry.objects.get()
    assert (inquiry.status, inquiry.changes.get().note) == ("contacted", "Called Marie")


def _sign_in(context, user, url: str) -> None:
    """Staff work in a browser of their own: a real session cookie, as the sign_in fixture gives the visitor's."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])
