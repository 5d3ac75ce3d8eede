"""Staff edit a series' form in admin in both languages, starting from the default; attendees turn evaluation
emails off with one click or from their profile."""

import pytest

from accounts.unsubscribe import programme_unsubscribe_token
from evaluation.models import EvaluationForm
from tests import factories


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


@pytest.mark.django_db
def test_a_new_series_form_starts_from_the_default_questions_in_both_languages(client, staff):
    series = factories.SeriesFactory(title="Paramedics CoP")
    client.force_login(staff)

    add_page = client.get("/admin/evaluation/evaluationform/add/").content.decode()
    saved = client.post(
        "/admin/evaluation/evaluationform/add/",
        {
            "series": series.pk,
            "title_en": "Paramedics evaluation",
            "title_fr": "Évaluation des paramédics",
            "is_active": "on",
            **_inline("questions", []),
        },
    )

    assert 'name="title_fr"' in add_page and 'name="questions-__prefix__-text_fr"' in add_page
    assert saved.status_code == 302, saved.content.decode()[:2000]
    form = EvaluationForm.objects.get(series=series)
    assert [q.text_fr for q in form.questions.order_by("position")][
        0
    ] == "La séance a atteint ses objectifs d’apprentissage."
    assert form.questions.count() == 5


@pytest.mark.django_db
def test_staff_add_their_own_questions_instead(client, staff):
    series = factories.SeriesFactory()
    client.force_login(staff)

    client.post(
        "/admin/evaluation/evaluationform/add/",
        {
            "series": series.pk,
            "title_en": "Own",
            "is_active": "on",
            **_inline(
                "questions",
                [
                    {
                        "position": "1",
                        "kind": "likert",
                        "text_en": "Cases were useful.",
                        "text_fr": "Les cas étaient utiles.",
                    }
                ],
            ),
        },
    )

    (question,) = EvaluationForm.objects.get(series=series).questions.all()
    assert (question.text_en, question.text_fr) == ("Cases were useful.", "Les cas étaient utiles.")


@pytest.mark.django_db
def test_a_second_default_form_is_refused(client, staff):
    client.force_login(staff)
    page = client.post("/admin/evaluation/evaluationform/add/", {"title_en": "Another", **_inline("questions", [])})
    assert page.status_code == 200 and "There is already a default form" in page.content.decode()
    assert EvaluationForm.objects.count() == 1


@pytest.mark.django_db
def test_one_click_stops_programme_emails_but_a_get_changes_nothing(client, clinician):
    url = f"/accounts/programme/unsubscribe/{programme_unsubscribe_token(clinician)}/"

    confirm = client.get(url)
    clinician.refresh_from_db()
    assert "Stop the programme emails" in confirm.content.decode() and clinician.programme_emails_enabled

    client.post(url, {"List-Unsubscribe": "One-Click"})
    clinician.refresh_from_db()
    assert not clinician.programme_emails_enabled and clinician.reminders_enabled
    assert client.get(url.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400


@pytest.mark.django_db
def test_the_profile_offers_the_programme_emails_choice(client, clinician):
    client.force_login(clinician)
    assert 'name="programme_emails_enabled"' in client.get("/accounts/profile/").content.decode()
