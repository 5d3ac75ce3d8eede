"""The bytes on the wire of a fan-out's emails: built once per stencil by the standard library, filled in per email.

Building a MIME message (Django's header checks, email.mime, the generator's folding) costs about a millisecond
per email, more than rendering does once the emails of a batch share a stencil (`deferred`). Those emails differ
only in the recipient, the idempotency key, the Message-ID derived from it, the Date and the stencil's personal
values; so a group's message is built once, by `delivery.build_message` as any other, with a marker in each of
those places, and each email is those bytes with its own strings put in as the standard library writes them: as
they are in the headers (plain ASCII, short enough never to be folded), as UTF-8 in 7bit or 8bit bodies,
HTML-escaped where the template escaped them.

Where that would not be what the standard library writes, the email is built the ordinary way: the whole group
when a personal value is in the subject, or in a part encoded as quoted-printable or base64 (a body line over 998
bytes), or when the first email filled in is not, but for its Date and its MIME boundaries, the bytes the ordinary
way gives; one email when its address or key is not short plain ASCII, one of its values is not printable text (a
line break) or holds a boundary, is not ASCII where its part says 7bit, or makes a body line longer than 998 bytes.
A template is checked (its first email filled in against the ordinary way) once per worker process: a later
batch with the same stencil, headers and attachments uses it, or builds its emails the ordinary way, as decided.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

from django.conf import settings
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, sanitize_address
from django.utils.html import conditional_escape

from .models import OutboundEmail
from .rendering import Stencil

logger = logging.getLogger(__name__)

# The generator folds a header line longer than this: a header filled in must stay within it.
HEADER_LINE_LIMIT = 78
IDEMPOTENCY_HEADER = "X-Echo-Idempotency-Key"
_BOUNDARY = re.compile(rb'boundary="([^"]+)"')
# An address Django's `sanitize_address` gives back as it is: a dot-atom local part, an ASCII domain of labels
# IDNA leaves alone. Others are handed to it (it costs a tenth of a millisecond).
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*"
)
_DATE = re.compile(rb"^Date: [^\r\n]*\r\n", re.MULTILINE)

Builder = Callable[[OutboundEmail], Any]  # a row → its django.core.mail.EmailMessage


@dataclass(frozen=True)
class _Template:
    """A group's message as bytes, with a marker where each email's own strings go."""

    data: bytes
    to: bytes
    key: bytes
    message_id: bytes
    date: bytes
    markers: tuple[tuple[str, bytes, bytes], ...]  # (value's name, marker as printed, marker as escaped)
    seven_bit: bool  # a part holding a personal value says 7bit: a value that is not ASCII would make it 8bit
    boundaries: tuple[bytes, ...]

    def fill(
        self, row: OutboundEmail, values: Mapping[str, str], *, recipient: str, message_id: str, date: str
    ) -> bytes | None:
        """This row's bytes, or None when the template cannot stand for its message (see the module's docstring).

        `recipient` is the row's address as Django writes it (`sanitize_address`): the template stands for rows
        whose address that leaves as it is.
        """
        if recipient != row.recipient or "," in recipient:
            return None
        if not (_header_safe("To", row.recipient) and _header_safe(IDEMPOTENCY_HEADER, row.idempotency_key)):
            return None
        data = self.data
        for name, raw, escaped in self.markers:
            value = values[name]
            if not value.isprintable() or (self.seven_bit and not value.isascii()):
                return None
            printed, escaped_value = value.encode(), str(conditional_escape(value)).encode()
            if any(boundary in printed or boundary in escaped_value for boundary in self.boundaries):
                return None
            data = data.replace(escaped, escaped_value).replace(raw, printed)
        if self.markers and max(map(len, data.split(b"\r\n"))) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
            return None
        data = data.replace(self.message_id, message_id.encode()).replace(self.date, date.encode())
        return data.replace(self.to, row.recipient.encode()).replace(self.key, row.idempotency_key.encode())


def _header_safe(name: str, value: str) -> bool:
    fits = len(name) + 2 + len(value) <= HEADER_LINE_LIMIT
    return fits and value.isascii() and value.isprintable() and " " not in value


def _template(row: OutboundEmail, stencil: Stencil, build: Builder) -> _Template | None:
    """The group's message built the ordinary way with markers; None when markers cannot stand for its values."""
    email = stencil.fill({name: raw for name, raw, _escaped in stencil.markers})
    if any(raw in email.subject for _name, raw, _escaped in stencil.markers):
        return None
    token = secrets.token_hex(8)
    marked = OutboundEmail(
        recipient=f"to-{token}@example.invalid",
        idempotency_key=f"key-{token}",
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        headers=row.headers,
        attachments=row.attachments,
    )
    message = build(marked).message()
    date = f"date-{token}"
    message.replace_header("Date", date)
    markers = tuple((name, raw.encode(), escaped.encode()) for name, raw, escaped in stencil.markers)
    seven_bit = False
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        if not any(raw in payload or escaped in payload for _name, raw, escaped in markers):
            continue
        encoding = (part["Content-Transfer-Encoding"] or "7bit").lower()
        if encoding not in {"7bit", "8bit"}:
            return None
        seven_bit = seven_bit or encoding == "7bit"
    data = message.as_bytes(linesep="\r\n")
    return _Template(
        data=data,
        to=marked.recipient.encode(),
        key=marked.idempotency_key.encode(),
        message_id=message["Message-ID"].encode(),
        date=date.encode(),
        markers=markers,
        seven_bit=seven_bit,
        boundaries=tuple(_BOUNDARY.findall(data)),
    )


def _envelope_address(address: str) -> str:
    """What Django's SMTP backend hands the server for this address (and writes in the To header)."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, settings.DEFAULT_CHARSET)


def _comparable(data: bytes) -> bytes:
    """The bytes but for what differs between two builds of one message: its Date and its random boundaries."""
    data = _DATE.sub(b"Date: -\r\n", data, count=1)
    for index, boundary in enumerate(dict.fromkeys(_BOUNDARY.findall(data))):
        data = data.replace(boundary, b"boundary-%d" % index)
    return data


def ordinary_bytes(row: OutboundEmail, build: Builder) -> bytes:
    """What Django's SMTP backend hands the server for this row."""
    return build(row).message().as_bytes(linesep="\r\n")


@dataclass(frozen=True)
class Prebuilt:
    """What Django's SMTP backend would hand `smtplib.SMTP.sendmail` for a row: envelope addresses and message."""

    sender: str
    recipient: str
    data: bytes


def prebuild(
    rows: Sequence[OutboundEmail], *, build: Builder, message_id: Callable[[OutboundEmail], str]
) -> dict[int, Prebuilt]:
    """Each row of a batch filled in from its group's template, by id; rows not there are built the ordinary way.
    A row's group is its stencil (`row.stencil`, `row.stencil_values`, set when it was rendered from one), its
    headers and its attachments; a group of one gains nothing and is left out."""
    groups: dict[tuple[Stencil, str], list[OutboundEmail]] = {}
    for row in rows:
        if getattr(row, "stencil", None) is not None:
            shape = json.dumps([row.headers, row.attachments], sort_keys=True)
            groups.setdefault((row.stencil, shape), []).append(row)
    prebuilt: dict[int, Prebuilt] = {}
    sender = sanitize_address(settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
    for (stencil, shape), members in groups.items():
        if len(members) > 1:
            kind = (stencil, shape, build, settings.DEFAULT_FROM_EMAIL, settings.DEFAULT_CHARSET)
            prebuilt.update(_fill_group(members, kind=kind, sender=sender, build=build, message_id=message_id))
    return prebuilt


# The templates of the groups seen in this process, by what they are made of (stencil, headers, attachments, the
# builder and the sender): a later batch of the same fan-out fills its emails in from the template checked by the
# first, without building any. None for a group whose emails each must be built the ordinary way.
_templates: dict[tuple, _Template | None] = {}
TEMPLATES_KEPT = 256


def _keep(kind: tuple, template: _Template | None) -> None:
    if len(_templates) >= TEMPLATES_KEPT:
        _templates.clear()
    _templates[kind] = template


def _fill_group(
    members: Sequence[OutboundEmail],
    *,
    kind: tuple,
    sender: str,
    build: Builder,
    message_id: Callable[[OutboundEmail], str],
) -> dict[int, Prebuilt]:
    """The group's emails filled in; the first template of its kind is checked (its first email filled in must be,
    but for the Date and the boundaries, what the ordinary way builds), later ones of that kind are not."""
    checked = kind in _templates
    template = _templates[kind] if checked else _template(members[0], members[0].stencil, build)
    if template is None:
        _keep(kind, None)
        return {}
    filled: dict[int, Prebuilt] = {}
    date = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    for row in members:
        recipient = _envelope_address(row.recipient)
        data = template.fill(row, row.stencil_values, recipient=recipient, message_id=message_id(row), date=date)
        if data is None:
            continue
        if not checked:
            ordinary = ordinary_bytes(row, build)
            if _comparable(data) != _comparable(ordinary):
                logger.warning("The emails of %s cannot be filled in as bytes: each built in full", row.renderer)
                _keep(kind, None)
                return {}
            checked = True
            _keep(kind, template)
            data = ordinary
        filled[row.pk] = Prebuilt(sender=sender, recipient=recipient, data=data)
    return filled
