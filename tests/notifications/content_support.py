"""Helpers for the programme-email tests: read outbox rows, their links and their calendar files."""

from __future__ import annotations

import base64
import datetime as dt
import re

import icalendar
import vobject
from django.conf import settings

from notifications.delivery import deliver
from notifications.models import OutboundEmail

# Thursday 14 March 2030, 12:00–13:00 Eastern Daylight Time (DST began on 10 March).
NOON_ET = dt.datetime(2030, 3, 14, 16, 0, tzinfo=dt.UTC)
ONE_PM_ET = NOON_ET + dt.timedelta(hours=1)

HREF = re.compile(r'href="([^"]*)"')


def deliver_queued() -> None:
    """Deliver what is queued, as the worker does after commit: emails rendered at delivery get their content then."""
    for pk in (
        OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED).order_by("pk").values_list("pk", flat=True)
    ):
        deliver(outbound_id=pk)


def rows(kind: str | None = None) -> list[OutboundEmail]:
    """The outbox's rows (of one kind), in order, once delivered: what the recipients got."""
    deliver_queued()
    queryset = OutboundEmail.objects.order_by("pk")
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset)


def only_row(kind: str) -> OutboundEmail:
    found = rows(kind)
    assert len(found) == 1, f"expected one {kind} email, found {[row.idempotency_key for row in found]}"
    return found[0]


def links(html: str) -> list[str]:
    return HREF.findall(html)


def assert_links_absolute(row: OutboundEmail) -> None:
    hrefs = links(row.body_html)
    assert hrefs, "the HTML body has links"
    for href in hrefs:
        assert href.startswith(("https://", "http://")), f"relative link {href!r} in {row.idempotency_key}"
    for path in re.findall(r"(?<![\w/:])/(?:me|series|sessions|accounts)/\S*", row.body_text):
        raise AssertionError(f"relative link {path!r} in the text body of {row.idempotency_key}")
    assert settings.SITE_URL in row.body_text


def calendar_attachment(row: OutboundEmail) -> tuple[str, bytes]:
    (attachment,) = row.attachments
    assert attachment["filename"].endswith(".ics")
    return attachment["mimetype"], base64.b64decode(attachment["content_b64"])


def parse_calendar(content: bytes):
    """Parse with icalendar and with vobject (an independent parser); return both."""
    parsed = icalendar.Calendar.from_ical(content)
    independent = vobject.readOne(content.decode("utf-8"))
    return parsed, independent


def events(content: bytes) -> list[dict]:
    """Each VEVENT's essentials, as both parsers read them (they must agree)."""
    parsed, independent = parse_calendar(content)
    from_icalendar = [
        {
            "uid": str(event["UID"]),
            "sequence": int(event["SEQUENCE"]),
            "status": str(event["STATUS"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
            "summary": str(event["SUMMARY"]),
            "description": str(event["DESCRIPTION"]),
            "url": str(event["URL"]),
        }
        for event in parsed.walk("VEVENT")
    ]
    from_vobject = [
        {
            "uid": event.uid.value,
            "sequence": int(event.sequence.value),
            "status": event.status.value,
            "start": event.dtstart.value,
            "end": event.dtend.value,
            "summary": event.summary.value,
            "description": event.description.value,
            "url": event.url.value,
        }
        for event in getattr(independent, "vevent_list", [])
    ]
    assert from_icalendar == from_vobject
    return from_icalendar


def method(content: bytes) -> str:
    parsed, independent = parse_calendar(content)
    assert str(parsed["METHOD"]) == independent.method.value
    return str(parsed["METHOD"])
