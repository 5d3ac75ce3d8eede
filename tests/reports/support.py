"""A hand-built programme whose reach figures were computed by hand (see `programme`)."""

import datetime as dt
import zoneinfo

from tests import factories

EASTERN = zoneinfo.ZoneInfo("America/Toronto")


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def session_at(series, starts_at, **fields):
    return factories.SessionFactory(
        series=series, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1), **fields
    )


def attend(session, *users, minutes=60):
    for user in users:
        factories.RegistrationFactory(session=session, user=user, attended_minutes=minutes)
