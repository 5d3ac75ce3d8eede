"""The test mailbox as a browser journey reads it: the live server delivers from its own thread, so wait a little."""

import time

from django.core import mail


def wait_for_mail(address: str, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for message in mail.outbox:
            if address in message.to:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no email reached {address}; sent: {[m.to for m in mail.outbox]}")
