"""Writes: answering an evaluation, and giving a series a form of its own from the default."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Answer, EvaluationForm, EvaluationRequest, Question, Response


class NotAnswerable(Exception):
    """The request was answered already (the link works once) or its link expired."""


@dataclass(frozen=True)
class GivenAnswer:
    question: Question
    rating: int | None = None
    intent: str = ""
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.rating is None and not self.intent and not self.text.strip()


def submit_response(
    *,
    evaluation_request: EvaluationRequest,
    form: EvaluationForm,
    answers: list[GivenAnswer],
    language: str,
    now: dt.datetime | None = None,
) -> Response:
    """Store one person's answers about one session, once.

    The request is claimed with a conditional UPDATE in the same transaction as the answers are
    written, so a double submit or a second tab stores nothing twice. The response carries no link
    to the request; it names the person only when the form says answers are named.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = EvaluationRequest.objects.filter(
            pk=evaluation_request.pk, answered_at__isnull=True, expires_at__gt=now
        ).update(answered_at=now)
        if claimed != 1:
            raise NotAnswerable
        response = Response.objects.create(
            form=form,
            session_id=evaluation_request.session_id,
            submitted_on=timezone.localdate(now),
            language=language,
            respondent_id=evaluation_request.user_id if form.named_answers else None,
        )
        Answer.objects.bulk_create(
            [
                Answer(
                    response=response,
                    question=answer.question,
                    rating=answer.rating,
                    intent=answer.intent,
                    text=answer.text.strip(),
                )
                for answer in answers
                if not answer.is_empty
            ]
        )
    evaluation_request.answered_at = now
    return response


TRANSLATED_QUESTION_FIELDS = ("text_en", "text_fr", "help_text_en", "help_text_fr")


def copy_default_questions(*, form: EvaluationForm) -> int:
    """Give a series' form the default form's questions (those asked after every session); returns how many."""
    source = EvaluationForm.objects.filter(series__isnull=True).first()
    if source is None or form.is_default:
        return 0
    copies = [
        Question(
            form=form,
            kind=question.kind,
            required=question.required,
            position=question.position,
            text=question.text_en,
            **{name: getattr(question, name) for name in TRANSLATED_QUESTION_FIELDS},
        )
        for question in source.questions.filter(session__isnull=True).order_by("position", "pk")
    ]
    Question.objects.bulk_create(copies)
    return len(copies)
