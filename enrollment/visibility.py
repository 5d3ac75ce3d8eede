"""Who may see a series by invitation only: the people invited, its members and staff; nobody else.

A series in any other mode is public once published. One by invitation only shows, to everyone else,
nothing at all (404, as if it did not exist) or only its title, as the series says (`uninvited_view`).

"Invited" means an invitation to the address of the signed-in account, or one whose link that account
followed, that was not declined; members are people with an enrollment in the series (joined through
an invitation sent to another of their addresses, say). Staff are programme staff and the managers and
facilitators of the series' hub.

Lists of the programme (catalog, home, hub pages, past sessions) take `visible_series_q(user)`; pages of
one series take `series_access(user, series)`. Anonymous visitors are never invited, so what they are
shown (and what the public page cache keeps for them) never includes a private series.
"""

from __future__ import annotations

import enum

from django.db import connection
from django.db.models import Q

from core import prepared_sql
from hubs.models import Hub, HubMembership
from hubs.scoping import VIEW, is_hub_staff, is_national_staff, managed_hubs
from series.models import Series

from .models import Enrollment, SeriesInvitation


class Access(enum.Enum):
    FULL = "full"
    TITLE = "title"
    NONE = "none"


def _invitation_only(prefix: str) -> Q:
    return Q(**{f"{prefix}registration_mode": Series.RegistrationMode.INVITATION})


def _invited_q(user) -> Q:
    """Invitations that let `user` see their series: to their address or followed by them, not declined."""
    return (Q(email=(user.email or "").lower()) | Q(user=user)) & Q(declined_at__isnull=True)


def private_series_ids_visible_to(user):
    """Ids of the series by invitation only that `user` may see (a subquery): all of them for programme staff."""
    if is_national_staff(user):
        return Series.objects.filter(_invitation_only("")).values("pk")
    return (
        Series.objects.filter(_invitation_only(""))
        .filter(
            Q(pk__in=SeriesInvitation.objects.filter(_invited_q(user)).values("series_id"))
            | Q(pk__in=Enrollment.objects.filter(user=user).values("series_id"))
            | Q(hub__in=managed_hubs(user))
        )
        .values("pk")
    )


def published_private_series_ids_of(user) -> list[int]:
    """The ids, in order, of the published series by invitation only `user` may see: what
    `private_series_ids_visible_to` selects among the published ones, read at once (none for visitors).

    Written in SQL: the catalog asks this on every signed-in visit, and the ORM spends far longer building these
    subqueries than the database spends answering them (tests/enrollment/test_invitation_visibility_sql.py
    holds it to the ORM's answer for each kind of person).
    """
    if not getattr(user, "is_authenticated", False):
        return []
    series, invitation, enrollment, hub, membership = (
        connection.ops.quote_name(model._meta.db_table)
        for model in (Series, SeriesInvitation, Enrollment, Hub, HubMembership)
    )
    published_private = "s.status = %s AND s.registration_mode = %s"
    params: list = [Series.Status.PUBLISHED.value, Series.RegistrationMode.INVITATION.value]
    if is_national_staff(user):
        sql = f"SELECT s.id FROM {series} s WHERE {published_private} ORDER BY s.id"  # noqa: S608
    else:
        roles = list(VIEW) if user.is_active else []
        role_placeholders = ", ".join(["%s"] * len(roles)) or "NULL"
        # Table names come from the models, every value is a parameter.
        sql = (
            f"SELECT s.id FROM {series} s WHERE {published_private} AND ("  # noqa: S608
            f" s.id IN (SELECT i.series_id FROM {invitation} i"
            "  WHERE (i.email = %s OR i.user_id = %s) AND i.declined_at IS NULL)"
            f" OR s.id IN (SELECT e.series_id FROM {enrollment} e WHERE e.user_id = %s)"
            f" OR s.hub_id IN (SELECT h.id FROM {hub} h INNER JOIN {membership} m ON m.hub_id = h.id"
            f"  WHERE m.user_id = %s AND m.role IN ({role_placeholders}) AND h.is_active)"
            ") ORDER BY s.id"
        )
        params += [(user.email or "").lower(), user.pk, user.pk, user.pk, *roles]
    return [row[0] for row in prepared_sql.fetch_all(sql, params)]


def visible_series_q(user, *, prefix: str = "") -> Q:
    """Series (reached through `prefix`, e.g. "series__" from a session) that `user` may find in a list."""
    private = _invitation_only(prefix)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ~private
    if is_national_staff(user):
        return Q()
    return ~private | Q(**{f"{prefix}pk__in": private_series_ids_visible_to(user)})


def series_access(user, series: Series) -> Access:
    """How much of one series `user` may see: all of it, its title only, or nothing."""
    if series.registration_mode != Series.RegistrationMode.INVITATION:
        return Access.FULL
    if getattr(user, "is_authenticated", False) and user.is_active:
        if is_hub_staff(user, series.hub_id):
            return Access.FULL
        if (
            SeriesInvitation.objects.filter(_invited_q(user), series=series).exists()
            or Enrollment.objects.filter(user=user, series=series).exists()
        ):
            return Access.FULL
    return Access.TITLE if series.uninvited_view == Series.UninvitedView.TITLE else Access.NONE


def may_see_all_of(user, series: Series) -> bool:
    return series_access(user, series) is Access.FULL
