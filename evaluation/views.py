"""Answering an evaluation (from the emailed link, or signed in), and reading the results (staff, hub managers).

The emailed link opens the person's form without a password: its signature names the person and the
session, and the EvaluationRequest row says whether it still works (30 days, once). Results pages
read aggregates and free text only; staff see every series, a hub's managers and facilitators their
hub's own series, through `hubs.scoping`.
"""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from core.csv_export import csv_response
from hubs import scoping
from hubs.admin_scoping import is_national_staff
from hubs.models import Hub, HubMembership
from series.models import Series
from sessions.models import Session

from . import queries, results, services
from .forms import AnswerForm
from .models import EvaluationRequest, Response
from .tokens import read_token

# --- answering ---------------------------------------------------------------------------------------------------


def _unavailable(request, state: str, session: Session | None = None, *, status: int = 200):
    return render(request, "evaluation/answer_unavailable.html", {"state": state, "session": session}, status=status)


def _answer(request, evaluation_request: EvaluationRequest | None, *, via_link: bool):
    if evaluation_request is None:
        return _unavailable(request, "unknown", status=404)
    session = evaluation_request.session
    if evaluation_request.answered_at is not None:
        return _unavailable(request, "answered", session)
    if evaluation_request.is_expired():
        return _unavailable(request, "expired", session, status=410)
    form_definition = queries.form_for_series(session.series)
    if form_definition is None:
        return _unavailable(request, "closed", session, status=410)
    questions = list(queries.questions_for(form=form_definition, session=session))
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_response(
                evaluation_request=evaluation_request,
                form=form_definition,
                answers=form.answers(),
                language=translation.get_language() or "en",
            )
        except services.NotAnswerable:
            # A second tab or a double click got there first, or the link expired while the page was open.
            evaluation_request.refresh_from_db()
            state = "answered" if evaluation_request.answered_at else "expired"
            return _unavailable(request, state, session, status=409)
        return redirect("evaluation:thanks")
    return render(
        request,
        "evaluation/answer.html",
        {
            "form": form,
            "definition": form_definition,
            "session": session,
            "person": evaluation_request.user,
            "via_link": via_link,
        },
    )


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    ids = read_token(token)
    if ids is None:
        return _unavailable(request, "invalid", status=400)
    user_id, session_id = ids
    evaluation_request = (
        EvaluationRequest.objects.filter(user_id=user_id, session_id=session_id, user__is_active=True)
        .select_related("session__series", "user")
        .first()
    )
    return _answer(request, evaluation_request, via_link=True)


@login_required
@require_http_methods(["GET", "POST"])
def answer_signed_in(request, session_id: int):
    evaluation_request = (
        EvaluationRequest.objects.filter(user=request.user, session_id=session_id)
        .select_related("session__series", "user")
        .first()
    )
    return _answer(request, evaluation_request, via_link=False)


def thanks(request):
    return render(request, "evaluation/thanks.html")


# --- results -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose results: every series (programme staff) or one hub's series (its portal)."""

    series: QuerySet[Series]
    hub: Hub | None = None

    def url(self, name: str, *args) -> str:
        if self.hub is None:
            return reverse(f"evaluation:staff_{name}", args=args)
        return reverse(f"evaluation_hub:{name}", args=[self.hub.slug, *args])

    def context(self, **extra) -> dict:
        layout = "evaluation/results/_staff_layout.html" if self.hub is None else "hubs/manage/_layout.html"
        context = {"layout": layout, "scope": self, **extra}
        if self.hub is not None:
            context.update(hub=self.hub, is_manager=self.hub.viewer_role == HubMembership.Role.MANAGER)
        return context


def _staff_scope(request) -> Scope:
    if not is_national_staff(request.user):
        raise PermissionDenied
    return Scope(series=Series.objects.all())


def _hub_scope(request, slug: str) -> Scope:
    hub = scoping.get_managed_hub_or_404(request.user, slug, roles=scoping.VIEW)
    return Scope(series=Series.objects.filter(hub=hub), hub=hub)


def _series_or_404(scope: Scope, series_id: int) -> Series:
    return get_object_or_404(scope.series.select_related("hub"), pk=series_id)


def _session_or_404(scope: Scope, session_id: int) -> Session:
    session = Session.objects.filter(pk=session_id, series__in=scope.series).select_related("series").first()
    if session is None:
        raise Http404("No such session among the series you can see.")
    return session


def _index(request, scope: Scope):
    series_list = results.series_with_evaluations(series=scope.series).select_related("hub")
    return render(request, "evaluation/results/index.html", scope.context(series_list=series_list))


def _series(request, scope: Scope, series_id: int):
    series = _series_or_404(scope, series_id)
    sessions = list(results.sessions_with_rates(series=series))
    responses = Response.objects.filter(session__series=series)
    means_questions, means = results.likert_means_by_session(series=series)
    over_time = [
        {"session": session, "means": [means.get((session.pk, question.pk)) for question in means_questions]}
        for session in sessions
    ]
    return render(
        request,
        "evaluation/results/series.html",
        scope.context(
            series=series,
            sessions=sessions,
            rate=results.Rate(
                attendees=sum(session.attendees for session in sessions),
                asked=sum(session.asked for session in sessions),
                responses=sum(session.responses for session in sessions),
            ),
            items=results.summarize(responses=responses),
            means_questions=means_questions,
            over_time=over_time,
            csv_url=scope.url("series_csv", series.pk),
        ),
    )


def _session(request, scope: Scope, session_id: int):
    session = _session_or_404(scope, session_id)
    return render(
        request,
        "evaluation/results/session.html",
        scope.context(
            series=session.series,
            session=session,
            rate=results.rate(sessions=Session.objects.filter(pk=session.pk)),
            items=results.summarize(responses=Response.objects.filter(session=session)),
            csv_url=scope.url("session_csv", session.pk),
        ),
    )


def _named(series: Series) -> bool:
    definition = queries.form_for_series(series)
    return bool(definition and definition.named_answers)


def _series_csv(request, scope: Scope, series_id: int):
    series = _series_or_404(scope, series_id)
    rows = results.csv_rows(responses=Response.objects.filter(session__series=series), named=_named(series))
    filename = f"evaluation-{series.slug}-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename=filename, header=next(rows), rows=rows)


def _session_csv(request, scope: Scope, session_id: int):
    session = _session_or_404(scope, session_id)
    rows = results.csv_rows(responses=Response.objects.filter(session=session), named=_named(session.series))
    return csv_response(filename=f"evaluation-session-{session.pk}.csv", header=next(rows), rows=rows)


@login_required
def staff_index(request):
    return _index(request, _staff_scope(request))


@login_required
def staff_series(request, series_id: int):
    return _series(request, _staff_scope(request), series_id)


@login_required
def staff_session(request, session_id: int):
    return _session(request, _staff_scope(request), session_id)


@login_required
def staff_series_csv(request, series_id: int):
    return _series_csv(request, _staff_scope(request), series_id)


@login_required
def staff_session_csv(request, session_id: int):
    return _session_csv(request, _staff_scope(request), session_id)


@login_required
def hub_index(request, slug: str):
    return _index(request, _hub_scope(request, slug))


@login_required
def hub_series(request, slug: str, series_id: int):
    return _series(request, _hub_scope(request, slug), series_id)


@login_required
def hub_session(request, slug: str, session_id: int):
    return _session(request, _hub_scope(request, slug), session_id)


@login_required
def hub_series_csv(request, slug: str, series_id: int):
    return _series_csv(request, _hub_scope(request, slug), series_id)


@login_required
def hub_session_csv(request, slug: str, session_id: int):
    return _session_csv(request, _hub_scope(request, slug), session_id)
