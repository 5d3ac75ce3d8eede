"""An attendee answers the evaluation from the emailed link on a phone, without JavaScript, in French; the form and
the staff's results page pass axe-core's WCAG 2.1 AA rules."""

import pytest

from evaluation import requests
from evaluation.models import Response
from tests.e2e.axe import violations
from tests.evaluation.support import attended, ensure_default_form, evaluation_rows, held_session, link_path

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _default_form(db):
    ensure_default_form()


@pytest.mark.without_javascript
@pytest.mark.browser_locale("fr-CA")
def test_a_francophone_attendee_answers_on_a_phone_without_javascript(page, clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    session = held_session(title="Soins de fin de vie à domicile")
    attended(session=session, user=clinician)
    requests.queue_evaluation_requests()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(link_path(evaluation_rows()[0]))

    assert page.get_attribute("html", "lang") == "fr"
    page.get_by_role("group", name="La séance a atteint ses objectifs d’apprentissage.").get_by_label(
        "Tout à fait d’accord"
    ).check()
    page.get_by_role("group", name="Changerez-vous quelque chose").get_by_label("Oui, je changerai").check()
    page.get_by_label("Si oui, que changerez-vous?").fill("Évaluer la dyspnée à chaque visite.")
    page.get_by_label("Quels sujets devrions-nous aborder").fill("Le deuil chez les enfants")
    page.get_by_role("button", name="Envoyer mes réponses").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Merci"
    assert Response.objects.get().answers.count() == 3  # a statement, the intent with its text, the next topic


@pytest.mark.browser_locale("fr-CA")
def test_the_form_fits_a_phone_and_meets_wcag_21_aa_before_and_after_a_refused_submission(page, clinician):
    clinician.preferred_language = "fr"
    clinician.save()
    attended(session=held_session(), user=clinician)
    requests.queue_evaluation_requests()
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(link_path(evaluation_rows()[0]))
    assert not violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Envoyer mes réponses").click()

    assert "Répondez à au moins une question" in page.locator("main").inner_text()
    assert not violations(page)


def test_the_staff_results_page_meets_wcag_21_aa(page, sign_in, staff, clinician):
    session = held_session(title="Dyspnea")
    attended(session=session, user=clinician)
    requests.queue_evaluation_requests()
    sign_in(staff)

    page.goto(f"/staff/evaluations/series/{session.series.pk}/")

    assert page.get_by_role("heading", level=1).inner_text() == f"Evaluations: {session.series.title}"
    assert not violations(page)
