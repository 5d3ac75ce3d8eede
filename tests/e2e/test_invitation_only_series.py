"""Invitation only, in a real browser, on the demo data: the demo hub's manager pastes five addresses for the demo
series by invitation only, checks the list and sends it; two invited clinicians join from their emails (one signs
in, one creates an account and confirms it), accept, and pick sessions; the manager sees who joined. A visitor,
meanwhile, finds nothing of the series. Every page checked with axe.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from echo_portal.demo import private_series
from enrollment.models import Enrollment, Registration, SeriesInvitation
from tests.e2e.axe import violations
from tests.e2e.mailbox import wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INVITATION_LINK = re.compile(r"https?://[^/\s]+(/invitations/series/[^\s/]+/)")
ADDRESSES = """email,name,language
clinician@example.org, Sam Clinician
Nouvelle.Infirmiere@example.org; Léa Gagnon; fr
paramedic.one@example.org
paramedic.two@example.org, Chris Paramedic
social.worker@example.org"""


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    settings.DEBUG = False
    mail.outbox.clear()


def _no_violations(page, where: str) -> None:
    found = violations(page)
    assert not found, f"{where}: {found}"


def _sign_in(page, email: str, password: str) -> None:
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _pick_first_session_and_register(page) -> None:
    page.wait_for_url(f"**/series/{private_series.SLUG}/register/")
    page.locator("input[name=sessions]").first.check()
    consent = page.locator("input[name=consent]")
    if consent.count():
        consent.check()
    page.locator("main form[data-once] button[type=submit]").click()
    page.wait_for_url(f"**/series/{private_series.SLUG}/register/done/?*")


def test_the_demo_manager_invites_five_and_two_clinicians_join_from_their_emails(demo, browser, page, live_server):
    series_url = f"/series/{private_series.SLUG}/"
    assert page.goto(series_url).status == 404  # a visitor: the series does not exist for them

    # The manager: sign in, the portal, the series by invitation, paste the list, check it, send it.
    page.goto("/accounts/login/")
    _sign_in(page, "manager@example.org", "echo-demo-manager")
    page.goto("/hubs/northern-lakes/manage/")
    page.get_by_role("link", name="Series by invitation").click()
    page.get_by_role("link", name="Rural Emergency Palliative Care Circle (demo)").click()
    _no_violations(page, "invitation list page")
    page.get_by_label("Addresses").fill(ADDRESSES)
    page.get_by_role("button", name="Check the list").click()
    page.wait_for_load_state()
    assert "5 people will be invited." in page.locator("main").inner_text()
    assert not SeriesInvitation.objects.exists()  # nothing sent before confirming
    _no_violations(page, "preview")
    page.get_by_role("button", name="Send 5 invitations").click()
    page.wait_for_load_state()
    assert "5 invitations are on their way." in page.locator("[role=status]").inner_text()

    # A clinician with an account: the email, the link, sign in, accept, pick a session.
    known = browser.new_context(base_url=live_server.url, locale="en-CA", timezone_id="America/Toronto")
    clinician_page = known.new_page()
    message = wait_for_mail("clinician@example.org")
    assert message.subject == "You are invited to Rural Emergency Palliative Care Circle (demo)"
    clinician_page.goto(INVITATION_LINK.search(message.body).group(1))
    _no_violations(clinician_page, "invitation, signed out")
    clinician_page.locator("main").get_by_role("link", name="Sign in").click()
    _sign_in(clinician_page, "clinician@example.org", "echo-demo-clinician")
    assert "Accept and join" in clinician_page.locator("main").inner_text()  # asked first
    _no_violations(clinician_page, "invitation, signed in")
    clinician_page.get_by_role("button", name="Accept and join Rural Emergency Palliative Care Circle (demo)").click()
    _pick_first_session_and_register(clinician_page)
    known.close()

    # Someone new, in French: the email in French, create an account with the address the form starts with; the
    # invitation link proved she reads that mailbox, so no second email: straight back to the invitation, accept.
    new = browser.new_context(base_url=live_server.url, locale="fr-CA", timezone_id="America/Toronto")
    nurse_page = new.new_page()
    message = wait_for_mail("nouvelle.infirmiere@example.org")
    assert message.subject == "Vous êtes invité·e à Cercle de soins palliatifs en urgence rurale (démo)"
    nurse_page.goto(INVITATION_LINK.search(message.body).group(1))
    nurse_page.locator("main").get_by_role("link", name="Créer un compte").click()
    assert nurse_page.locator("input[name=email]").input_value() == "nouvelle.infirmiere@example.org"
    nurse_page.locator("input[name=first_name]").fill("Léa")
    nurse_page.locator("input[name=last_name]").fill("Gagnon")
    nurse_page.locator("select[name=profession]").select_option("registered_nurse")
    nurse_page.locator("select[name=province]").select_option("ON")
    nurse_page.locator("input[name=password1]").fill("soins palliatifs en urgence 2026")
    nurse_page.locator("main form button[type=submit]").click()
    nurse_page.wait_for_url("**/invitations/series/**")
    assert not Enrollment.objects.filter(user__email="nouvelle.infirmiere@example.org").exists()
    nurse_page.get_by_role("button", name=re.compile("Accepter et rejoindre")).click()
    _pick_first_session_and_register(nurse_page)
    new.close()

    # The manager sees who joined; the two are registered.
    page.reload()
    joined = SeriesInvitation.objects.filter(joined_at__isnull=False).values_list("email", flat=True)
    assert sorted(joined) == ["clinician@example.org", "nouvelle.infirmiere@example.org"]
    rows = page.get_by_role("row")
    assert "Joined" in rows.filter(has_text="clinician@example.org").inner_text()
    assert "Joined" in rows.filter(has_text="nouvelle.infirmiere@example.org").inner_text()
    for email in joined:
        user = User.objects.get(email__iexact=email)
        assert Registration.objects.filter(user=user, session__series__slug=private_series.SLUG).exists()
    assert not page.console_problems, page.console_problems
