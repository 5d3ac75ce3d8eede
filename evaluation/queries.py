"""Reads: which form a series uses, and the questions asked about one session."""

from django.db.models import Q, QuerySet

from series.models import Series
from sessions.models import Session

from .models import EvaluationForm, Question


def default_form() -> EvaluationForm | None:
    return EvaluationForm.objects.filter(series__isnull=True).first()


def form_for_series(series: Series) -> EvaluationForm | None:
    """The series' own form, else the default form; None when the form that applies is switched off."""
    candidates = list(EvaluationForm.objects.filter(Q(series=series) | Q(series__isnull=True)))
    own = [form for form in candidates if form.series_id is not None]
    form = (own or candidates or [None])[0]
    if form is None or not form.is_active:
        return None
    return form


def questions_for(*, form: EvaluationForm, session: Session) -> QuerySet[Question]:
    """The form's questions for every session, and those added for this one, in order."""
    return form.questions.filter(Q(session__isnull=True) | Q(session=session)).order_by("position", "pk")
