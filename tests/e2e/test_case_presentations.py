"""A case presentation in a browser, in English and in French: the facilitator invites (or accepts an offer), the
presenter writes a case the screening flags, edits and explains, submits; the reviewer returns it, then approves;
the panelist reads it from the session page."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import CasePresentation
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(live_server):
    hub = factories.HubFactory(name="Northern Lakes Palliative Hub (demo)", slug="northern-lakes")
    series = factories.SeriesFactory(hub=hub, title="Palliative Care in Long-Term Care", slug="ltc-cop")
    session = factories.SessionFactory(series=series, title="Delirium at the end of life", days_from_now=5)
    return {"hub": hub, "session": session}


def _person(cast, email, first, last, *, role=None, language="en", registered=False):
    user = factories.UserFactory(email=email, first_name=first, last_name=last, preferred_language=language)
    if role:
        factories.HubMembershipFactory(hub=cast["hub"], user=user, role=role)
    if registered:
        factories.RegistrationFactory(user=user, session=cast["session"])
    return user


def _as(browser_context, sign_in, user):
    browser_context.clear_cookies()
    sign_in(user)


def _write_case(page, labels, *, history):
    page.get_by_label(labels["question"]).fill("How do we settle terminal delirium when the oral route is lost?")
    page.get_by_label(labels["age"]).select_option("85-94")
    page.get_by_label(labels["setting"]).select_option("long_term_care")
    page.get_by_label(labels["history"]).fill(history)
    page.get_by_label(labels["symptoms"]).fill("Agitation at night; haloperidol 0.5 mg subcut PRN.")


EN = {
    "question": "Question for the panel",
    "age": "Age range",
    "setting": "Setting of care",
    "history": "Relevant history",
    "symptoms": "Current symptoms and medications",
}
FR = {
    "question": "Question pour le panel",
    "age": "Tranche d’âge",
    "setting": "Milieu de soins",
    "history": "Antécédents pertinents",
    "symptoms": "Symptômes et médicaments actuels",
}


def test_invite_write_screen_return_resubmit_approve_and_read_in_english(page, browser_context, sign_in, cast):
    facilitator = _person(cast, "fay@example.org", "Fay", "Okafor", role="facilitator")
    panelist = _person(cast, "pat@example.org", "Pat", "Expert", role="panelist")
    presenter = _person(cast, "claire@example.org", "Claire", "Tremblay", registered=True)
    session = cast["session"]

    _as(browser_context, sign_in, facilitator)
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Open the session's cases").click()
    page.get_by_label("Registrant").select_option(label="Claire Tremblay (claire@example.org)")
    page.get_by_role("button", name="Invite to present").click()
    expect(page.get_by_text("Claire Tremblay is invited to present")).to_be_visible()

    _as(browser_context, sign_in, presenter)
    page.goto("/me/")
    my_cases = page.locator("section[aria-labelledby=my-cases-heading]")
    my_cases.get_by_role("link", name="Delirium at the end of life").click()
    page.get_by_role("link", name="Write or edit your case").click()
    _write_case(page, EN, history="Health card 4512-337-806-KT. Daughter's cell 705-555-0188. Advanced dementia.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Check and submit for review").click()
    expect(page.get_by_text("The screening found 2 details that may identify the patient")).to_be_visible()
    expect(page.locator("mark.phi-finding").first).to_have_text(re.compile("4512-337-806-KT"))
    expect(page.get_by_text("Looks like a health card number (format used in: Ontario)").first).to_be_visible()
    # Edit the card number away; explain the phone number is the home's front desk.
    page.get_by_role("link", name="Edit the case").first.click()
    page.get_by_label("Relevant history").fill("Front desk 705-555-0188. Advanced dementia, three years in the home.")
    page.get_by_role("button", name="Check and submit for review").click()
    expect(page.get_by_text("The screening found 1 detail that may identify the patient")).to_be_visible()
    page.get_by_label("I confirm this case is de-identified").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Edit the case to remove it, or explain it here.")).to_be_visible()
    page.locator("textarea[name^=explain-]").fill("The home's public front desk, not a family number.")
    page.get_by_label("I confirm this case is de-identified").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your case was submitted.")).to_be_visible()

    case = CasePresentation.objects.get()
    _as(browser_context, sign_in, facilitator)
    page.goto(case.get_absolute_url())
    expect(page.get_by_text("The home's public front desk, not a family number.")).to_be_visible()
    page.get_by_label("What should the presenter change?").fill("Say the home's size instead of years there.")
    page.get_by_role("button", name="Return to the presenter").click()
    expect(page.get_by_text("Case returned")).to_be_visible()

    _as(browser_context, sign_in, presenter)
    page.goto(case.get_absolute_url())
    page.get_by_role("link", name="Edit and resubmit").click()
    expect(page.get_by_text("Say the home's size instead of years there.")).to_be_visible()
    page.get_by_label("Relevant history").fill("Advanced dementia, in a small rural home.")
    page.get_by_role("button", name="Check and submit for review").click()
    page.get_by_label("I confirm this case is de-identified").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your case was submitted.")).to_be_visible()

    _as(browser_context, sign_in, facilitator)
    page.goto(case.get_absolute_url())
    page.get_by_role("button", name="Approve for the panel").click()
    expect(page.get_by_text("Case approved")).to_be_visible()

    _as(browser_context, sign_in, panelist)
    page.goto(session.get_absolute_url())
    expect(page.get_by_text("1 case for this session")).to_be_visible()
    page.get_by_role("link", name="Open the session's cases").click()
    page.get_by_role("link", name="Claire Tremblay").click()
    expect(page.get_by_text("Advanced dementia, in a small rural home.")).to_be_visible()
    assert not page.console_problems


@pytest.mark.browser_locale("fr-CA")
def test_offer_accept_screen_and_approve_in_french(page, browser_context, sign_in, cast):
    facilitator = _person(cast, "fay@example.org", "Fay", "Okafor", role="facilitator", language="fr")
    panelist = _person(cast, "pat@example.org", "Pat", "Expert", role="panelist", language="fr")
    presenter = _person(cast, "claire@example.org", "Claire", "Tremblay", registered=True, language="fr")
    session = cast["session"]

    _as(browser_context, sign_in, presenter)
    page.goto(session.get_absolute_url())
    page.get_by_role("button", name="Proposer un cas").click()
    expect(page.get_by_text("l’animateur a été informé de votre proposition")).to_be_visible()

    _as(browser_context, sign_in, facilitator)
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Ouvrir les cas de la séance").click()
    page.get_by_role("button", name="Accepter la proposition").click()
    expect(page.get_by_text("Proposition acceptée")).to_be_visible()

    case = CasePresentation.objects.get()
    _as(browser_context, sign_in, presenter)
    page.goto(f"/cases/{case.pk}/edit/")
    _write_case(page, FR, history="Carte RAMQ TREM 4103 1234. Démence avancée.")
    page.get_by_role("button", name="Vérifier et soumettre pour révision").click()
    expect(page.get_by_text("Ressemble à un numéro de carte santé (format utilisé en : Québec)")).to_be_visible()
    page.get_by_role("link", name="Modifier le cas").first.click()
    page.get_by_label("Antécédents pertinents").fill("Démence avancée, en soins de longue durée.")
    page.get_by_role("button", name="Vérifier et soumettre pour révision").click()
    page.get_by_label("Je confirme que ce cas est dépersonnalisé").check()
    page.get_by_role("button", name="Soumettre pour révision").click()
    expect(page.get_by_text("Votre cas a été soumis.")).to_be_visible()

    _as(browser_context, sign_in, facilitator)
    page.goto(case.get_absolute_url())
    page.get_by_role("button", name="Approuver pour le panel").click()
    expect(page.get_by_text("Cas approuvé")).to_be_visible()

    _as(browser_context, sign_in, panelist)
    page.goto(session.get_absolute_url())
    expect(page.get_by_text("1 cas pour cette séance")).to_be_visible()
    page.goto(case.get_absolute_url())
    expect(page.get_by_text("Démence avancée, en soins de longue durée.")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert not page.console_problems
