"""An SMTP server for the fan-out bench: real SMTP on loopback, every message received whole and checked, at a
small fraction of aiosmtpd's CPU.

The bench's sink stands in for the relay, which in production runs on another machine. aiosmtpd reads a message
line by line through asyncio streams (an await, a debug log call and a copy per line): about a millisecond of CPU
per email here, on the two cores the worker being measured needs. This server speaks the same SMTP from an
`asyncio.Protocol`: commands are split off the bytes received, and a message's end is found with one search of
the buffer (`\\r\\n.\\r\\n`), so what it costs hardly grows with the message's lines. It answers commands in
order whatever arrives in one packet, and says so (PIPELINING, RFC 2920), as production relays do.

What it checks in each message: the dot-stuffing undone, a header block, exactly one recipient in the envelope
and that address in the To header, and the idempotency key (`X-Echo-Idempotency-Key`), by which the bench
counts duplicates and losses. A message failing a check is still answered 250 and counted as malformed.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field

KEY = re.compile(rb"^X-Echo-Idempotency-Key:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)
TO = re.compile(rb"^To:[ \t]*([^\r\n]*)", re.IGNORECASE | re.MULTILINE)
ADDRESS = re.compile(rb"<([^>]*)>")
MAX_LINE = 4096  # a command line longer than this is refused, as RFC 5321's limits allow
MAX_MESSAGE = 32 * 1024 * 1024


@dataclass
class Received:
    """What the sink accepted: each message's key (in arrival order), and the messages that failed a check."""

    keys: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # why, one entry per message
    raw: list[bytes] | None = None  # each message as received (dot-stuffing undone), when asked to keep them
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, recipients: list[bytes], message: bytes) -> None:
        header_end = message.find(b"\r\n\r\n")
        headers = message[: header_end + 2] if header_end >= 0 else b""
        key = KEY.search(headers)
        to = TO.search(headers)
        problem = ""
        if header_end < 0:
            problem = "no header block"
        elif key is None:
            problem = "no idempotency key"
        elif len(recipients) != 1:
            problem = f"{len(recipients)} envelope recipients"
        elif to is None or _address(to.group(1)) != recipients[0]:
            problem = f"To {to.group(1) if to else b''!r} is not the envelope's {recipients[0]!r}"
        with self.lock:
            self.keys.append(key.group(1).decode() if key else "")
            if problem:
                self.malformed.append(problem)
            if self.raw is not None:
                self.raw.append(message)


def _address(header: bytes) -> bytes:
    """The address of a To header's value: within <…> when it has a display name."""
    match = ADDRESS.search(header)
    return match.group(1) if match else header.strip()


def _path(argument: bytes, verb: bytes) -> bytes | None:
    """The address of `MAIL FROM:<…>` or `RCPT TO:<…>` (parameters after it ignored); None when malformed."""
    if not argument.upper().startswith(verb):
        return None
    match = ADDRESS.search(argument, len(verb))
    return match.group(1) if match else None


class _Session(asyncio.Protocol):
    def __init__(self, received: Received, hostname: bytes, sessions: set):
        self.received = received
        self.sessions = sessions
        self.hostname = hostname
        self.buffer = bytearray()
        self.in_data = False
        self.sender: bytes | None = None
        self.recipients: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport):
        self.transport = transport
        self.sessions.add(self)
        transport.write(b"220 " + self.hostname + b" ESMTP bench sink\r\n")

    def connection_lost(self, exc):
        self.sessions.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        replies: list[bytes] = []
        closing = False
        while not closing:
            if self.in_data:
                if self.buffer.startswith(b".\r\n"):
                    message, consumed = b"", 3
                else:
                    end = self.buffer.find(b"\r\n.\r\n")
                    if end < 0:
                        if len(self.buffer) > MAX_MESSAGE:
                            replies.append(b"552 Message too big\r\n")
                            closing = True
                        break
                    message, consumed = bytes(self.buffer[: end + 2]), end + 5
                del self.buffer[:consumed]
                if message.startswith(b".."):
                    message = message[1:]
                self.received.accept(self.recipients, message.replace(b"\r\n..", b"\r\n."))
                self.in_data, self.sender, self.recipients = False, None, []
                replies.append(b"250 OK queued\r\n")
                continue
            eol = self.buffer.find(b"\r\n")
            if eol < 0:
                if len(self.buffer) > MAX_LINE:
                    replies.append(b"500 Line too long\r\n")
                    closing = True
                break
            line = bytes(self.buffer[:eol])
            del self.buffer[: eol + 2]
            reply, closing = self._command(line)
            replies.append(reply)
        if replies:
            self.transport.write(b"".join(replies))
        if closing:
            self.transport.close()

    def _command(self, line: bytes) -> tuple[bytes, bool]:
        verb, _, argument = line.partition(b" ")
        verb = verb.upper()
        if verb == b"EHLO":
            self.sender, self.recipients = None, []
            return b"250-" + self.hostname + b"\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n", False
        if verb == b"HELO":
            self.sender, self.recipients = None, []
            return b"250 " + self.hostname + b"\r\n", False
        if verb == b"MAIL":
            sender = _path(argument, b"FROM:")
            if sender is None:
                return b"501 Syntax: MAIL FROM:<address>\r\n", False
            self.sender, self.recipients = sender, []
            return b"250 OK\r\n", False
        if verb == b"RCPT":
            recipient = _path(argument, b"TO:")
            if self.sender is None:
                return b"503 Error: need MAIL command\r\n", False
            if recipient is None:
                return b"501 Syntax: RCPT TO:<address>\r\n", False
            self.recipients.append(recipient)
            return b"250 OK\r\n", False
        if verb == b"DATA":
            if not self.recipients:
                return b"503 Error: need RCPT command\r\n", False
            self.in_data = True
            return b"354 End data with <CR><LF>.<CR><LF>\r\n", False
        if verb == b"RSET":
            self.sender, self.recipients = None, []
            return b"250 OK\r\n", False
        if verb == b"NOOP":
            return b"250 OK\r\n", False
        if verb == b"QUIT":
            return b"221 Bye\r\n", True
        return b"502 Command not implemented\r\n", False


class SinkServer:
    """The sink on 127.0.0.1:`port`, served from a thread of its own (`thread`, for measuring its CPU)."""

    def __init__(self, *, port: int, keep_raw: bool = False, hostname: str = "bench-sink"):
        self.port = port
        self.received = Received(raw=[] if keep_raw else None)
        self.hostname = hostname.encode()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="smtp-sink", daemon=True)
        self._ready = threading.Event()
        self._server: asyncio.AbstractServer | None = None
        self._error: BaseException | None = None
        self._sessions: set[_Session] = set()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self._server = self.loop.run_until_complete(
                self.loop.create_server(
                    lambda: _Session(self.received, self.hostname, self._sessions), host="127.0.0.1", port=self.port
                )
            )
        except BaseException as error:  # reported to start()
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        for session in list(self._sessions):
            session.transport.close()
        self._server.close()
        self.loop.run_until_complete(self._server.wait_closed())
        self.loop.close()

    def start(self) -> SinkServer:
        self.thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


if __name__ == "__main__":
    # `python tests/bench/smtp_sink.py PORT`: the sink alone, in a process of its own, until it is terminated.
    import sys

    SinkServer(port=int(sys.argv[1])).start().thread.join()
