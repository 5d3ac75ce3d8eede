"""Who may see and act on which case: the one place case permissions live.

A session's panel is the facilitators and panelists of the hub running its series. Facilitators invite
presenters, accept offers, review and write recommendations; panelists only read. The presenter always sees
their own case. Approved cases reach panelists from `CASE_PANEL_VISIBLE_DAYS` before the session; nobody else
(other registrants, other spokes, other hubs, programme staff without a panel role) sees a case at all:
every lookup filters by the viewer in the same query, so a case they may not see is a 404 like one that
does not exist.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from hubs.models import HubMembership
from sessions.models import Session

from .models import CasePresentation

PANEL_ROLES = (HubMembership.Role.FACILITATOR, HubMembership.Role.PANELIST)
FACILITATOR_ROLES = (HubMembership.Role.FACILITATOR,)


def panel_opens_at(session: Session) -> dt.datetime:
    """From when panelists read the session's approved cases."""
    return session.starts_at - dt.timedelta(days=settings.CASE_PANEL_VISIBLE_DAYS)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _hub_role_q(user, roles, prefix: str = "session__series__hub") -> Q:
    return Q(
        **{
            f"{prefix}__memberships__user": user,
            f"{prefix}__memberships__role__in": list(roles),
            f"{prefix}__is_active": True,
        }
    )


def panel_sessions(user, *, roles=PANEL_ROLES) -> QuerySet[Session]:
    """Sessions whose panel `user` sits on (with one of `roles`)."""
    if not _signed_in(user):
        return Session.objects.none()
    return Session.objects.filter(_hub_role_q(user, roles, prefix="series__hub"))


def is_on_panel(user, session: Session, *, roles=PANEL_ROLES) -> bool:
    if not _signed_in(user):
        return False
    return HubMembership.objects.filter(
        hub_id=session.series.hub_id, hub__is_active=True, user=user, role__in=list(roles)
    ).exists()


def readable_cases(user, *, now: dt.datetime | None = None) -> QuerySet[CasePresentation]:
    """Cases whose page `user` may open: their own, those in review for a facilitator, approved ones for the panel."""
    if not _signed_in(user):
        return CasePresentation.objects.none()
    now = now or timezone.now()
    window = dt.timedelta(days=settings.CASE_PANEL_VISIBLE_DAYS)
    reviewing = _hub_role_q(user, FACILITATOR_ROLES) & Q(state__in=CasePresentation.REVIEWABLE_STATES)
    on_panel = (
        _hub_role_q(user, PANEL_ROLES)
        & Q(state=CasePresentation.State.APPROVED)
        & Q(session__starts_at__lte=now + window)
    )
    ids = CasePresentation.objects.filter(reviewing | on_panel).values("pk")
    return CasePresentation.objects.filter(Q(presenter=user) | Q(pk__in=ids))


def facilitated_cases(user) -> QuerySet[CasePresentation]:
    """Every case of the sessions `user` facilitates, whatever its state (for the session's case list)."""
    if not _signed_in(user):
        return CasePresentation.objects.none()
    ids = CasePresentation.objects.filter(_hub_role_q(user, FACILITATOR_ROLES)).values("pk")
    return CasePresentation.objects.filter(pk__in=ids)


def own_cases(user) -> QuerySet[CasePresentation]:
    if not _signed_in(user):
        return CasePresentation.objects.none()
    return CasePresentation.objects.filter(presenter=user)


def _hub_people(session: Session, role: str) -> list:
    memberships = HubMembership.objects.filter(
        hub_id=session.series.hub_id, role=role, user__is_active=True
    ).select_related("user")
    return [membership.user for membership in memberships]


def facilitators_of(session: Session) -> list:
    """The people told when a case of this session needs a facilitator."""
    return _hub_people(session, HubMembership.Role.FACILITATOR)


def panelists_of(session: Session) -> list:
    """The invited experts told when a case is approved for them to read."""
    return _hub_people(session, HubMembership.Role.PANELIST)
