"""Sessions as calendar events: the one place that decides what a calendar shows of a session.

notifications.ics turns these plain events into files; emails and feeds build
them here so an invitation, its update and a feed always agree on UID and
SEQUENCE.
"""

from django.utils.translation import gettext as _

from core.links import absolute
from notifications.ics import CalendarEvent, event_uid
from sessions.models import Session


def session_uid(session: Session) -> str:
    return event_uid("session", session.pk)


def session_event(session: Session, *, with_join_link: bool) -> CalendarEvent:
    """One session as an event; the join link only for someone holding a seat (needs session.series loaded)."""
    series = session.series
    label = series.short_name or series.title
    return CalendarEvent(
        uid=session_uid(session),
        sequence=session.sequence,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        # In the reader's language: French puts a (non-breaking) space before the colon.
        summary=_("%(series)s: %(session)s") % {"series": label, "session": session.title},
        page_url=absolute(session.get_absolute_url()),
        join_url=session.join_url if with_join_link and not session.is_cancelled else "",
        details=series.title,
        cancelled=session.is_cancelled,
        last_modified=session.updated_at,
    )
