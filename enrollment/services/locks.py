"""The locks of the locking contract (see the package docstring), and the counts read only under them.

Tests of the race replace these to prove the lock is what prevents overbooking.
"""

from collections.abc import Iterable

from django.db.models import Count

from series.models import Series
from sessions.models import Session

from ..models import Enrollment, Registration


def lock_series(series_id: int) -> Series:
    return Series.objects.select_for_update().get(pk=series_id)


def lock_sessions(session_ids: Iterable[int]) -> list[Session]:
    return list(Session.objects.select_for_update().filter(pk__in=set(session_ids)).order_by("pk"))


def active_enrollments(series_id: int) -> int:
    return Enrollment.objects.filter(series_id=series_id).active().count()


def seats_taken(session_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Registration.objects.filter(session_id__in=set(session_ids))
        .registered()
        .values("session_id")
        .annotate(taken=Count("pk"))
        .order_by()
    )
    return {row["session_id"]: row["taken"] for row in rows}
