"""Messages handed to an open SMTP connection in one round trip each, where the server offers PIPELINING.

smtplib's `sendmail` waits for the answer to MAIL, then to RCPT, to DATA and to the message: four round trips
per email, each a write, a wait and a read at both ends. RFC 2920 lets a client send MAIL, RCPT and DATA at once
and read their answers together, and lets a message's content open the next group. So here a message's content
and closing dot go in one write with the next message's MAIL, RCPT and DATA, and their four answers are read
together: each message's outcome is known when the next one is handed over (or at `finish`).

The bytes are those `sendmail` writes: the same commands (with SIZE when the server offers it), the content
dot-stuffed and ended the same way. Answers become the exceptions `sendmail` raises (`SMTPSenderRefused`,
`SMTPRecipientsRefused`, `SMTPDataError`, `SMTPServerDisconnected`), so a failure is recorded as it would be. After
any refusal the next group starts with RSET; a 421 answer closes the connection, as smtplib does. When the
connection is lost, every message whose outcome was not read yet fails with the disconnection: one whose content
was sent may have arrived, as with `sendmail` when the answer to the content is lost (delivery is at least once).
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Hashable
from dataclasses import dataclass

CRLF = b"\r\n"
# An address smtplib's `quoteaddr` only puts in angle brackets: a dot-atom local part and domain.
_DOT_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_PLAIN_ADDRESS = re.compile(f"{_DOT_ATOM}@{_DOT_ATOM}")


def quoteaddr(address: str) -> str:
    """What `smtplib.quoteaddr` gives, without its address parser (a tenth of a millisecond) for plain addresses."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return f"<{address}>"
    return smtplib.quoteaddr(address)


def available(smtp: smtplib.SMTP) -> bool:
    """Whether the server offers PIPELINING (greeted with EHLO first, as `sendmail` would)."""
    smtp.ehlo_or_helo_if_needed()
    return bool(smtp.does_esmtp and smtp.has_extn("pipelining"))


def _content(data: bytes) -> bytes:
    """What `smtplib.SMTP.data` writes after the server's 354: the message dot-stuffed, with the closing dot."""
    quoted = smtplib._quote_periods(data)
    if quoted[-2:] != CRLF:
        quoted += CRLF
    return quoted + b"." + CRLF


@dataclass(frozen=True)
class _Accepted:
    """A message whose DATA the server accepted: its content goes out with the next write."""

    item: Hashable
    content: bytes


Outcomes = list[tuple[Hashable, Exception | None]]  # each message handed over, None when the server accepted it


class Pipeline:
    """Send messages one after another on `smtp` (whose server offers PIPELINING: see `available`)."""

    def __init__(self, smtp: smtplib.SMTP):
        self.smtp = smtp
        self.accepted: _Accepted | None = None
        self.reset_first = False

    def send(self, item: Hashable, *, sender: str, recipient: str, data: bytes) -> Outcomes:
        """Hand over one message (`item` names it in the outcomes). Returns the outcomes known now: the previous
        message's, and this one's when the server refused it at once; the rest come with later calls or `finish`."""
        smtp = self.smtp
        if smtp.sock is None:
            return [(item, smtplib.SMTPServerDisconnected("please run connect() first"))]
        try:
            if any(character in address for address in (sender, recipient) for character in "\r\n"):
                raise ValueError("command and arguments contain prohibited newline characters")  # as putcmd's
            options = f" size={len(data)}" if smtp.has_extn("size") else ""
            mail = f"mail FROM:{quoteaddr(sender)}{options}\r\n".encode(smtp.command_encoding)
            rcpt = f"rcpt TO:{quoteaddr(recipient)}\r\n".encode(smtp.command_encoding)
        except Exception as error:  # nothing was sent: the message before this one waits for the next write
            return [(item, error)]
        previous, self.accepted = self.accepted, None
        reset, self.reset_first = self.reset_first, False
        outcomes: Outcomes = []
        unanswered = [previous.item, item] if previous else [item]
        try:
            smtp.send(
                b"".join([previous.content if previous else b"", b"rset\r\n" if reset else b"", mail, rcpt])
                + b"data\r\n"
            )
            if previous:
                outcomes.append((previous.item, self._end_of_data()))
                unanswered.pop(0)
                if smtp.sock is None:  # closed on a 421 answer to it
                    raise smtplib.SMTPServerDisconnected("Connection closed by the server")
            if reset:
                smtp.getreply()
            error = self._transaction(sender=sender, recipient=recipient, data=data, item=item)
        except (smtplib.SMTPException, OSError) as lost:
            # smtplib closed the connection (a lost connection, an unreadable answer): nothing answered counts.
            self.accepted = None
            return outcomes + [(unanswered_item, lost) for unanswered_item in unanswered]
        if error is not None:
            outcomes.append((item, error))
        return outcomes

    def finish(self) -> Outcomes:
        """The outcome of the last message handed over, its content sent now."""
        previous, self.accepted = self.accepted, None
        if previous is None:
            return []
        try:
            self.smtp.send(previous.content)
            return [(previous.item, self._end_of_data())]
        except (smtplib.SMTPException, OSError) as lost:
            return [(previous.item, lost)]

    def _refused(self, code: int) -> None:
        if code == 421:
            self.smtp.close()
        else:
            self.reset_first = True

    def _end_of_data(self) -> Exception | None:
        code, message = self.smtp.getreply()
        if code == 250:
            return None
        self._refused(code)
        return smtplib.SMTPDataError(code, message)

    def _transaction(self, *, sender: str, recipient: str, data: bytes, item: Hashable) -> Exception | None:
        """Read the answers to MAIL, RCPT and DATA; None when the content may follow (kept for the next write)."""
        mail = self.smtp.getreply()
        rcpt = self.smtp.getreply()
        code, message = self.smtp.getreply()
        error: Exception | None = None
        if mail[0] != 250:
            error = smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
        elif rcpt[0] not in (250, 251):
            error = smtplib.SMTPRecipientsRefused({recipient: rcpt})
        elif code != 354:
            error = smtplib.SMTPDataError(code, message)
        if error is None:
            self.accepted = _Accepted(item, _content(data))
            return None
        if code == 354:
            # The server took DATA although it refused the sender or the recipient: end that empty message.
            self.smtp.send(b"." + CRLF)
            self.smtp.getreply()
        for answer in (mail[0], rcpt[0], code):
            if answer == 421:
                self._refused(421)
                return error
        self.reset_first = True
        return error
