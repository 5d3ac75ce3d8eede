"""What the evaluations of a series or a session say: response rate, each item's distribution and mean, free text.

Counted in SQL with a fixed number of queries whatever the number of responses. Nothing here reads who
answered: responses carry no link to the people asked (see evaluation.models).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from enrollment.attended import attended_q
from enrollment.models import Registration
from series.models import Series
from sessions.models import Session

from .models import Answer, EvaluationRequest, Intent, Likert, Question, Response


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: int


@dataclass
class ItemSummary:
    question: Question
    answered: int = 0
    mean: float | None = None
    distribution: list[Share] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rate:
    attendees: int
    asked: int
    responses: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.responses / self.attendees) if self.attendees else None


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _count_of(queryset: QuerySet) -> Subquery:
    """A correlated COUNT(*) that stays a number (0) when nothing matches."""
    counted = queryset.order_by().values("session_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def sessions_with_rates(*, series: Series) -> QuerySet[Session]:
    """The series' held sessions with attendees, people asked and responses (one query)."""
    return (
        Session.objects.filter(series=series, status=Session.Status.SCHEDULED)
        .held()
        .annotate(
            attendees=_count_of(Registration.objects.filter(attended_q(), session_id=OuterRef("pk"))),
            asked=_count_of(EvaluationRequest.objects.filter(session_id=OuterRef("pk"))),
            responses=_count_of(Response.objects.filter(session_id=OuterRef("pk"))),
        )
        .order_by("starts_at")
    )


def series_with_evaluations(*, series: QuerySet[Series]) -> QuerySet[Series]:
    """The series among `series` whose attendees were asked, with how many were asked and answered (one query)."""
    asked = EvaluationRequest.objects.filter(session__series=OuterRef("pk")).order_by().values("session__series")
    answered = Response.objects.filter(session__series=OuterRef("pk")).order_by().values("session__series")
    return (
        series.annotate(
            asked=Coalesce(Subquery(asked.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)),
            response_count=Coalesce(
                Subquery(answered.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), Value(0)
            ),
        )
        .filter(asked__gt=0)
        .order_by("-response_count", "title")
    )


def rate(*, sessions: QuerySet[Session]) -> Rate:
    """Attendees, people asked and responses over `sessions` (one query)."""
    ids = sessions.values("pk")
    counts = Session.objects.filter(pk__in=ids).aggregate(
        attendees=Count("registrations", filter=attended_q("registrations__"), distinct=True),
        asked=Count("evaluation_requests", distinct=True),
        responses=Count("evaluation_responses", distinct=True),
    )
    return Rate(**counts)


def summarize(*, responses: QuerySet[Response]) -> list[ItemSummary]:
    """One summary per question answered in `responses`, in the form's order (three queries)."""
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    questions = list(Question.objects.filter(pk__in=answers.values("question_id")).order_by("form", "position", "pk"))
    counts = {
        row["question_id"]: row
        for row in answers.values("question_id").annotate(
            answered=Count("pk", filter=Q(rating__isnull=False) | ~Q(intent="")),
            mean=Avg("rating"),
            **{f"rating_{value}": Count("pk", filter=Q(rating=value)) for value in Likert.values},
            **{f"intent_{value}": Count("pk", filter=Q(intent=value)) for value in Intent.values},
        )
    }
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        answers.exclude(text="").order_by("-response__submitted_on", "pk").values_list("question_id", "text")
    ):
        texts.setdefault(question_id, []).append(text)
    summaries = []
    for question in questions:
        row = counts.get(question.pk, {})
        answered = row.get("answered", 0)
        summary = ItemSummary(question=question, answered=answered, texts=texts.get(question.pk, []))
        if question.kind == Question.Kind.LIKERT:
            summary.mean = round(row["mean"], 2) if row.get("mean") is not None else None
            choices = [(f"rating_{value}", label) for value, label in Likert.choices]
        elif question.kind == Question.Kind.INTENT:
            choices = [(f"intent_{value}", label) for value, label in Intent.choices]
        else:
            choices = []
            summary.answered = len(summary.texts)
        summary.distribution = [
            Share(label=str(label), count=row.get(key, 0), percent=_percent(row.get(key, 0), answered))
            for key, label in choices
        ]
        summaries.append(summary)
    return summaries


def likert_means_by_session(*, series: Series) -> tuple[list[Question], dict[tuple[int, int], float]]:
    """Each Likert item's mean per session of the series, to follow it over time (two queries)."""
    answers = Answer.objects.filter(response__session__series=series, rating__isnull=False)
    questions = list(
        Question.objects.filter(pk__in=answers.values("question_id"), kind=Question.Kind.LIKERT).order_by(
            "form", "position", "pk"
        )
    )
    means = {
        (row["response__session_id"], row["question_id"]): round(row["mean"], 2)
        for row in answers.values("response__session_id", "question_id").annotate(mean=Avg("rating"))
    }
    return questions, means


def csv_rows(*, responses: QuerySet[Response], named: bool) -> Iterator[list[str]]:
    """A header, then one row per response: day, session, language, (name when the form names answers), answers.

    Three queries: questions, responses, answers (streamed).
    """
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    questions = list(Question.objects.filter(pk__in=answers.values("question_id")).order_by("form", "position", "pk"))
    header = ["answered_on", "session", "session_date", "language"] + (["respondent"] if named else [])
    for question in questions:
        header.append(question.text)
        if question.kind == Question.Kind.INTENT:
            header.append(f"{question.text} (text)")
    yield header
    by_response: dict = {}
    for row in answers.values_list("response_id", "question_id", "rating", "intent", "text").iterator(chunk_size=2000):
        by_response.setdefault(row[0], {})[row[1]] = row[2:]
    rows = responses.order_by("session__starts_at", "submitted_on", "pk").values_list(
        "pk", "submitted_on", "session__title", "session__starts_at", "language", "respondent__email"
    )
    for pk, submitted_on, title, starts_at, language, email in rows.iterator(chunk_size=2000):
        line = [submitted_on.isoformat(), title, timezone.localtime(starts_at).date().isoformat(), language]
        if named:
            line.append(email or "")
        given = by_response.get(pk, {})
        for question in questions:
            rating, intent, text = given.get(question.pk, (None, "", ""))
            if question.kind == Question.Kind.LIKERT:
                line.append("" if rating is None else str(rating))
            elif question.kind == Question.Kind.INTENT:
                line.extend([intent, text])
            else:
                line.append(text)
        yield line
