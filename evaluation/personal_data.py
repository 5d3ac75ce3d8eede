"""What evaluation keeps about a person: which sessions they were asked about, and answers the form names them on.

Anonymous answers (the default) carry no link to anyone, so they are neither exported nor
erasable by person: nobody, the person included, can tell which were theirs.
"""

from django.utils.translation import gettext_lazy as _

from core.personal_data import Provider, rows

from .models import Answer, EvaluationRequest, Response


def export(user) -> dict:
    return {
        "evaluation_requests": rows(
            EvaluationRequest.objects.filter(user=user),
            ["session__title", "session__starts_at", "created_at", "reminded_at", "answered_at"],
        ),
        "named_evaluation_answers": rows(
            Answer.objects.filter(response__respondent=user),
            ["response__session__title", "response__submitted_on", "question__text", "rating", "intent", "text"],
        ),
    }


def erase(user) -> None:
    """Requests stay on the anonymous record (response rates do not change); named free text goes."""
    Answer.objects.filter(response__respondent=user).update(text="")
    Response.objects.filter(respondent=user).update(respondent=None)


PROVIDER = Provider(
    label=_("Session evaluations"),
    models=(EvaluationRequest, Response),
    extra_models=(Answer,),
    export=export,
    erase=erase,
    erases=_("The free text of evaluation answers that carry your name."),
    keeps=_("Ratings, and anonymous answers that were never linked to you."),
)
