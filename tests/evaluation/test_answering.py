"""The emailed link opens the attendee's form without a password; it works once, for 30 days; answers are kept
apart from who gave them."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from evaluation import requests
from evaluation.models import Answer, EvaluationForm, EvaluationRequest, Question, Response
from evaluation.tokens import make_token
from tests import factories
from tests.evaluation.support import attended, evaluation_rows, held_session, link_path


def _questions(session):
    form = EvaluationForm.objects.get(series__isnull=True)
    return {question.kind + str(question.position): question for question in form.questions.all()}


def _asked(user, **session_fields):
    session = held_session(title="Pain and symptoms", **session_fields)
    attended(session=session, user=user)
    requests.queue_evaluation_requests()
    (row,) = [row for row in evaluation_rows() if row.recipient == user.email]
    return session, link_path(row)


def _full_answers(session) -> dict:
    questions = _questions(session)
    return {
        f"q{questions['likert1'].pk}": "5",
        f"q{questions['likert2'].pk}": "4",
        f"q{questions['intent4'].pk}": "yes",
        f"q{questions['intent4'].pk}_text": "Screen for delirium at every visit.",
        f"q{questions['text5'].pk}": "Grief in children",
    }


@pytest.mark.django_db
def test_the_link_opens_the_form_signed_out_with_every_question_as_a_labelled_group(client, clinician):
    session, path = _asked(clinician)

    page = client.get(path)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Tell us about “Pain and symptoms”" in html
    assert "You are answering as Alice Tremblay" in html
    assert html.count("<fieldset") == 4  # three statements and the intent to change, each with its legend
    assert "<legend>The session met its learning objectives." in html
    assert 'type="radio"' in html and "<script" not in html.split("<main", 1)[1]
    assert "What should we cover in a future session?" in html


@pytest.mark.django_db
def test_the_form_is_in_french_for_a_french_request(client, clinician):
    session, path = _asked(clinician)

    html = client.get(path, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "La séance a atteint ses objectifs d’apprentissage." in html
    assert "Quels sujets devrions-nous aborder lors d’une prochaine séance?" in html


@pytest.mark.django_db
def test_answering_stores_the_answers_without_the_person_and_the_link_then_stops_working(client, clinician):
    session, path = _asked(clinician)

    done = client.post(path, _full_answers(session))

    assert done.status_code == 302 and done["Location"] == "/evaluation/thanks/"
    response = Response.objects.get()
    assert response.session == session and response.respondent is None
    assert response.submitted_on == timezone.localdate()
    assert {(a.question.kind, a.rating, a.intent, a.text) for a in response.answers.select_related("question")} == {
        ("likert", 5, "", ""),
        ("likert", 4, "", ""),
        ("intent", None, "yes", "Screen for delirium at every visit."),
        ("text", None, "", "Grief in children"),
    }
    assert EvaluationRequest.objects.get(user=clinician).answered_at is not None

    again = client.get(path)
    assert "You have already answered" in again.content.decode()
    second = client.post(path, _full_answers(session))
    assert "You have already answered" in second.content.decode()
    assert Response.objects.count() == 1 and Answer.objects.count() == 4


@pytest.mark.django_db
def test_a_form_with_named_answers_keeps_the_name(client, clinician):
    session = held_session()
    EvaluationForm.objects.create(series=session.series, title="Named", named_answers=True)
    from evaluation.services import copy_default_questions

    copy_default_questions(form=session.series.evaluation_form)
    attended(session=session, user=clinician)
    requests.queue_evaluation_requests()
    path = link_path(evaluation_rows()[0])
    question = session.series.evaluation_form.questions.get(position=1)

    html = client.get(path).content.decode()
    client.post(path, {f"q{question.pk}": "3"})

    assert "Your name is kept with your answers" in html
    assert Response.objects.get().respondent == clinician


@pytest.mark.django_db
def test_the_link_expires_after_30_days(client, clinician):
    session, path = _asked(clinician)
    later = timezone.now() + requests.LINK_VALIDITY + dt.timedelta(minutes=1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        page = client.get(path)
        posted = client.post(path, _full_answers(session))

    assert page.status_code == 410 and "is closed" in page.content.decode()
    assert posted.status_code == 410
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_a_changed_or_foreign_link_shows_a_clear_page_and_stores_nothing(client, clinician, outsider):
    session, path = _asked(clinician)

    cut = client.get(path[:-6] + "/")
    never_asked = client.get(f"/evaluation/{make_token(user_id=outsider.pk, session_id=session.pk)}/")
    garbage = client.post("/evaluation/%ZZ/", {})

    assert cut.status_code == 400 and "This link is not valid" in cut.content.decode()
    assert never_asked.status_code == 404 and "only people who attended are asked" in never_asked.content.decode()
    assert garbage.status_code in (400, 404)
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_or_out_of_range_answer_is_refused_with_a_message(client, clinician):
    session, path = _asked(clinician)
    questions = _questions(session)

    empty = client.post(path, {})
    wrong = client.post(path, {f"q{questions['likert1'].pk}": "9"})

    assert "Answer at least one question" in empty.content.decode()
    assert "Select a valid choice" in wrong.content.decode()
    assert Response.objects.count() == 0
    assert EvaluationRequest.objects.get().answered_at is None


@pytest.mark.django_db
def test_a_signed_in_attendee_answers_from_the_session_address(client, clinician, outsider):
    session, _ = _asked(clinician)
    questions = _questions(session)
    client.force_login(outsider)
    assert client.get(f"/evaluation/sessions/{session.pk}/").status_code == 404
    client.force_login(clinician)

    client.post(f"/evaluation/sessions/{session.pk}/", {f"q{questions['likert1'].pk}": "2"})

    assert Answer.objects.get().rating == 2


@pytest.mark.django_db
def test_a_question_added_for_one_session_is_asked_only_about_it(client, clinician):
    session = held_session()
    other = held_session(series=session.series)
    form = EvaluationForm.objects.create(series=session.series, title="Own")
    Question.objects.create(form=form, kind="text", text="What did you think of the guest?", session=session)
    Question.objects.create(form=form, kind="likert", text="Useful.", position=1)
    attended(session=session, user=clinician)
    attended(session=other, user=clinician)
    requests.queue_evaluation_requests()
    paths = {row.idempotency_key: link_path(row) for row in evaluation_rows()}

    with_guest = client.get(paths[f"evaluation:{session.pk}:{clinician.pk}"]).content.decode()
    without = client.get(paths[f"evaluation:{other.pk}:{clinician.pk}"]).content.decode()

    assert "What did you think of the guest?" in with_guest and "Useful." in with_guest
    assert "What did you think of the guest?" not in without and "Useful." in without


@pytest.mark.django_db
def test_the_thanks_page_and_a_second_submit_race_store_one_response(client, clinician):
    session, path = _asked(clinician)
    request_row = EvaluationRequest.objects.get()
    from evaluation import services
    from evaluation.forms import AnswerForm
    from evaluation.queries import form_for_series, questions_for

    definition = form_for_series(session.series)
    form = AnswerForm(_full_answers(session), questions=list(questions_for(form=definition, session=session)))
    assert form.is_valid()
    services.submit_response(evaluation_request=request_row, form=definition, answers=form.answers(), language="en")
    with pytest.raises(services.NotAnswerable):
        services.submit_response(evaluation_request=request_row, form=definition, answers=form.answers(), language="en")
    assert Response.objects.count() == 1
    assert "Your answers were recorded" in client.get("/evaluation/thanks/").content.decode()
    assert factories  # factories used by the helpers
