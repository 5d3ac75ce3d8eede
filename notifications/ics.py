"""Calendar files (RFC 5545) for emails and subscription feeds, built with the icalendar package.

This module is handed plain data (`CalendarEvent`) and knows nothing of series,
sessions or registrations: the apps that own those build the events.

Which METHOD, and which MIME parts, and why:

* An email about sessions someone holds a seat in carries ONE calendar file,
  `echo-sessions.ics`, sent as `text/calendar; method=REQUEST` (the method
  parameter matches the file's METHOD, as RFC 6047 asks), with an ORGANIZER
  (our sender address) and the recipient as the ATTENDEE (PARTSTAT=ACCEPTED,
  RSVP=FALSE: they registered on the portal, there is nothing to answer).
  REQUEST rather than PUBLISH because only a scheduling message lets a later
  message change the event: calendars keep the UID, apply a REQUEST with the
  same UID and a higher SEQUENCE as the new time (the event moves), and a
  METHOD:CANCEL as its removal. Gmail and Apple Mail show such a file as an
  invitation and add it. The outbox also puts the same calendar last among
  the body's multipart/alternative parts (after text and HTML, as Google
  Calendar's own invitations do): Outlook looks for an iMIP part only there,
  and then shows a meeting request; clients that show the last alternative
  they understand still show our HTML, since none renders text/calendar as
  the body.
* A cancellation is the same shape with METHOD:CANCEL and STATUS:CANCELLED.
* A subscription feed (personal or series) is METHOD:PUBLISH with no ORGANIZER
  or ATTENDEE and is served as `text/calendar; charset=utf-8` without a method
  parameter: Google Calendar, Outlook and Apple Calendar poll it and replace
  their copy; cancelled sessions stay in it as STATUS:CANCELLED so the
  subscriber's copy is marked, not silently dropped.

Times are written in UTC (DTSTART/DTEND ending in Z), which every client
converts to the viewer's zone, so no VTIMEZONE is needed. Each session's UID
never changes and its SEQUENCE is the session's `sequence`, bumped on every
change of time or status.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//ECHO Portal//Programme calendar//EN"
CALENDAR_MIMETYPE = "text/calendar"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs to know about one session."""

    uid: str
    sequence: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    summary: str
    page_url: str
    join_url: str = ""
    details: str = ""
    cancelled: bool = False
    last_modified: dt.datetime | None = None


def event_uid(kind: str, pk: int) -> str:
    """A UID that never changes for an object: `session-42@portal.example.org`."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{kind}-{pk}@{host}"


def invitation(*, events: Iterable[CalendarEvent], attendee_email: str, attendee_name: str = "") -> bytes:
    """METHOD:REQUEST for the sessions a person holds a seat in (new, or moved: same UID, higher SEQUENCE)."""
    return _calendar(events=events, method=REQUEST, attendee=(attendee_email, attendee_name))


def cancellation(*, events: Iterable[CalendarEvent], attendee_email: str, attendee_name: str = "") -> bytes:
    """METHOD:CANCEL: the calendars that imported these sessions remove them."""
    return _calendar(events=events, method=CANCEL, attendee=(attendee_email, attendee_name), force_cancelled=True)


def feed(*, events: Iterable[CalendarEvent], name: str) -> bytes:
    """METHOD:PUBLISH for a subscription feed: no organizer, no attendee."""
    return _calendar(events=events, method=PUBLISH, name=name)


def email_mimetype(method: str) -> str:
    """The Content-Type of an emailed calendar: the method parameter is what makes clients treat it as an invite."""
    return f"{CALENDAR_MIMETYPE}; method={method}"


def _calendar(
    *,
    events: Iterable[CalendarEvent],
    method: str,
    attendee: tuple[str, str] | None = None,
    name: str = "",
    force_cancelled: bool = False,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        # Subscribers refresh hourly: Outlook and Apple honour these, Google polls on its own schedule.
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for item in events:
        calendar.add_component(_event(item, method=method, stamp=stamp, attendee=attendee, cancel=force_cancelled))
    return calendar.to_ical()


def _event(
    item: CalendarEvent, *, method: str, stamp: dt.datetime, attendee: tuple[str, str] | None, cancel: bool
) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(item.starts_at))
    event.add("dtend", _utc(item.ends_at))
    event.add("sequence", item.sequence)
    event.add("summary", item.summary)
    event.add("description", _description(item))
    event.add("url", item.page_url)
    if item.join_url:
        event.add("location", item.join_url)
    cancelled = cancel or item.cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if item.last_modified:
        event.add("last-modified", _utc(item.last_modified))
    if method != PUBLISH:
        event.add("organizer", _organizer())
        if attendee:
            event.add("attendee", _attendee(*attendee, cancelled=cancelled))
    return event


def _description(item: CalendarEvent) -> str:
    lines = []
    if item.cancelled:
        lines.append(_("This session is cancelled."))
    if item.details:
        lines.append(item.details)
    lines.append(_("Session page: %(url)s") % {"url": item.page_url})
    if item.join_url and not item.cancelled:
        lines.append(_("Join link: %(url)s") % {"url": item.join_url})
    return "\n\n".join(lines)


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or address)
    return organizer


def _attendee(email: str, name: str, *, cancelled: bool) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    if name:
        attendee.params["cn"] = vText(name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if cancelled else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def personal_feed_name() -> str:
    return _("ECHO Portal: my sessions")


def series_feed_name(title: str) -> str:
    return _("ECHO Portal: %(title)s") % {"title": title}
