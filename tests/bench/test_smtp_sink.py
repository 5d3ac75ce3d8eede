"""The fan-out bench's SMTP sink receives over real SMTP what aiosmtpd receives, and checks each message."""

import smtplib
import socket

from tests.bench.smtp_sink import SinkServer
from tests.notifications.outbox_support import free_port

MESSAGE = (
    b"From: echo@example.org\r\nTo: {to}\r\nSubject: Hello\r\nX-Echo-Idempotency-Key: {key}\r\n\r\n"
    b".leading dot\r\n..two dots\r\n.\r\nlast line"
)


def _message(to: str, key: str) -> bytes:
    return MESSAGE.replace(b"{to}", to.encode()).replace(b"{key}", key.encode())


def test_messages_sent_by_smtplib_arrive_whole_with_the_dot_stuffing_undone():
    sink = SinkServer(port=free_port(), keep_raw=True).start()
    try:
        client = smtplib.SMTP("127.0.0.1", sink.port)
        client.sendmail("echo@example.org", ["ann@example.org"], _message("ann@example.org", "k:1"))
        client.sendmail("echo@example.org", ["bob@example.org"], _message("Bob <bob@example.org>", "k:2"))
        assert client.has_extn("pipelining")
        client.quit()
    finally:
        sink.stop()

    assert sink.received.keys == ["k:1", "k:2"]
    assert sink.received.malformed == []
    # smtplib ends the content with a line break before the closing dot: the message is what was handed to it.
    assert sink.received.raw[0] == _message("ann@example.org", "k:1") + b"\r\n"


def test_pipelined_commands_are_answered_in_order_and_a_wrong_recipient_is_counted():
    sink = SinkServer(port=free_port()).start()
    try:
        with socket.create_connection(("127.0.0.1", sink.port)) as connection:
            reader = connection.makefile("rb")
            reader.readline()
            connection.sendall(b"EHLO client\r\n")
            while reader.readline()[3:4] == b"-":
                pass
            commands = b"MAIL FROM:<echo@example.org>\r\nRCPT TO:<ann@example.org>\r\nDATA\r\n"
            connection.sendall(commands)
            answers = [reader.readline()[:3] for _ in range(3)]
            # The content, its end and the next message's commands in one write, as RFC 2920 allows.
            connection.sendall(smtplib._quote_periods(_message("cyd@example.org", "k:3")) + b"\r\n.\r\n" + commands)
            answers += [reader.readline()[:3] for _ in range(4)]
            connection.sendall(smtplib._quote_periods(_message("ann@example.org", "k:4")) + b"\r\n.\r\nQUIT\r\n")
            answers += [reader.readline()[:3] for _ in range(2)]
    finally:
        sink.stop()

    assert answers == [b"250", b"250", b"354", b"250", b"250", b"250", b"354", b"250", b"221"]
    assert sink.received.keys == ["k:3", "k:4"]
    assert sink.received.malformed == ["To b'cyd@example.org' is not the envelope's b'ann@example.org'"]
