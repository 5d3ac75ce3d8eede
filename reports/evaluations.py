"""The evaluation summary of a report: how many attendees of the period's sessions answered, and what they said."""

from dataclasses import dataclass

from django.db.models import Q

from enrollment.participation import Period
from evaluation import results
from evaluation.models import Response
from hubs.models import Hub
from sessions.models import Session


@dataclass(frozen=True)
class EvaluationSummary:
    rate: results.Rate
    items: list[results.ItemSummary]


def evaluation_summary(*, period: Period, hub: Hub | None = None) -> EvaluationSummary:
    """The period's sessions (of the hub's series when given): response rate and each item (four queries).

    Answers carry no name, so a hub's summary covers its own series, not its members' answers elsewhere.
    """
    start, end = period.bounds()
    in_period = Q(starts_at__gte=start, starts_at__lt=end, status=Session.Status.SCHEDULED)
    if hub is not None:
        in_period &= Q(series__hub=hub)
    sessions = Session.objects.filter(in_period)
    responses = Response.objects.filter(session__in=sessions.values("pk"))
    return EvaluationSummary(rate=results.rate(sessions=sessions), items=results.summarize(responses=responses))
