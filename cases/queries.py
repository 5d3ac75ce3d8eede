"""Reads of cases, always starting from what `access` lets the viewer see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from enrollment.models import Registration
from sessions.models import Session

from . import access
from .models import CaseEvent, CasePresentation

State = CasePresentation.State


def readable_case(user, pk: int, *, now: dt.datetime | None = None) -> CasePresentation | None:
    return (
        access.readable_cases(user, now=now)
        .select_related("session__series__hub", "presenter", "recommendation")
        .prefetch_related("attachments", Prefetch("events", queryset=CaseEvent.objects.select_related("actor")))
        .filter(pk=pk)
        .first()
    )


def own_case(user, pk: int) -> CasePresentation | None:
    return access.own_cases(user).select_related("session__series", "presenter").filter(pk=pk).first()


def facilitated_case(user, pk: int) -> CasePresentation | None:
    return access.facilitated_cases(user).select_related("session__series", "presenter").filter(pk=pk).first()


def panel_session(user, session_id: int) -> Session | None:
    return access.panel_sessions(user).select_related("series__hub").filter(pk=session_id).first()


def session_cases_for(user, session: Session, *, now: dt.datetime | None = None) -> list[CasePresentation]:
    """The cases of a session the viewer sees in its list: all of them for a facilitator, the readable ones for a
    panelist."""
    if access.is_on_panel(user, session, roles=access.FACILITATOR_ROLES):
        rows = access.facilitated_cases(user)
    else:
        rows = access.readable_cases(user, now=now).filter(state=State.APPROVED)
    return list(rows.filter(session=session).select_related("presenter").order_by("created_at", "pk"))


def invitable_registrants(session: Session) -> QuerySet:
    """Registrants of the session not already presenting (a declined offer may be invited again)."""
    presenting = CasePresentation.objects.filter(session=session).exclude(state=State.DECLINED).values("presenter_id")
    registered = Registration.objects.registered().filter(session=session).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=registered, is_active=True)
        .exclude(pk__in=presenting)
        .order_by("last_name", "first_name", "email")
    )


def approved_count(session: Session) -> int:
    return CasePresentation.objects.filter(session=session).approved().count()


@dataclass(frozen=True)
class ViewerFacts:
    is_registrant: bool
    own: CasePresentation | None  # only pk and state loaded


def viewer_facts(user, session: Session) -> ViewerFacts:
    """Whether the viewer is registered for the session and their case there, in one query."""
    own = CasePresentation.objects.filter(session=session, presenter=OuterRef("pk"))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            registered=Exists(Registration.objects.registered().filter(user=OuterRef("pk"), session=session)),
            case_id=Subquery(own.values("pk")[:1]),
            case_state=Subquery(own.values("state")[:1]),
        )
        .values("registered", "case_id", "case_state")
        .first()
    )
    if row is None:
        return ViewerFacts(False, None)
    case = None
    if row["case_id"] is not None:
        case = CasePresentation(pk=row["case_id"], state=row["case_state"], session=session, presenter_id=user.pk)
    return ViewerFacts(row["registered"], case)


def my_cases_of(user) -> QuerySet[CasePresentation]:
    """The cases `user` presents that are still in play: what My learning lists."""
    return access.own_cases(user).in_play()


def my_cases_sql(user) -> tuple[str, list]:
    """`my_cases_of` as a SELECT in SQL, for `enrollment.queries.my_learning` (My learning asks whether there are
    any on every visit, in its one query)."""
    table = connection.ops.quote_name(CasePresentation._meta.db_table)
    return f"SELECT 1 FROM {table} WHERE presenter_id = %s AND state <> %s", [user.pk, State.DECLINED.value]  # noqa: S608


def my_cases(user) -> list[CasePresentation]:
    return list(
        my_cases_of(user).select_related("session__series", "recommendation").order_by("-session__starts_at", "-pk")
    )


def panel_is_open(session: Session, *, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= access.panel_opens_at(session)


def panel_upcoming_sessions(user, *, now: dt.datetime | None = None, limit: int = 100) -> list[Session]:
    """Upcoming sessions whose panel `user` sits on, each with how many cases are at each stage."""

    def count(*states):
        return Count("cases", filter=Q(cases__state__in=states), distinct=True)

    return list(
        access.panel_sessions(user)
        .scheduled()
        .upcoming(now=now)
        .select_related("series")
        .annotate(
            offered_count=count(State.OFFERED),
            writing_count=count(State.DRAFT, State.RETURNED),
            review_count=count(State.SUBMITTED),
            approved_count=count(State.APPROVED),
        )
        .order_by("starts_at")[:limit]
    )
