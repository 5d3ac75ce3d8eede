"""From the register button to a real SMTP server: the invitation arrives and its calendar file works.

The message is read back off the wire (aiosmtpd on loopback), as a mail client would receive it.
"""

import datetime as dt

import pytest
from django.urls import reverse

from sessions import services as session_services
from tests import factories
from tests.notifications.content_support import NOON_ET, ONE_PM_ET, events, method
from tests.notifications.outbox_support import smtp_sink_fixture  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _calendar_part(message):
    """The attached invitation (the same calendar also stands last among the body's alternatives)."""
    (part,) = [part for part in message.walk() if part.get_content_type() == "text/calendar" and part.get_filename()]
    return part


def test_registering_in_the_browser_puts_an_invitation_in_the_inbox_and_a_reschedule_moves_it(
    client, clinician, hub, smtp_sink, django_capture_on_commit_callbacks
):
    series = factories.SeriesFactory(hub=hub, title="PSW Series", slug="psw")
    session = factories.SessionFactory(
        series=series,
        title="Comfort care",
        starts_at=NOON_ET,
        ends_at=ONE_PM_ET,
        join_url="https://zoom.example.org/j/9",
    )
    client.force_login(clinician)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enrollment:register", args=["psw"]), {"sessions": [session.pk], "consent": "on"}
        )
    assert response.status_code == 302

    (invite,) = smtp_sink.received
    assert invite["To"] == "alice@example.org"
    assert invite["Subject"] == "You are registered: Comfort care"
    assert "https://zoom.example.org/j/9" in invite.get_body(preferencelist=("plain",)).get_content()
    assert '<html lang="en">' in invite.get_body(preferencelist=("html",)).get_content()
    part = _calendar_part(invite)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "echo-sessions.ics"
    content = part.get_payload(decode=True)
    assert method(content) == "REQUEST"
    (event,) = events(content)
    assert (event["uid"], event["sequence"], event["start"]) == (f"session-{session.pk}@127.0.0.1", 0, NOON_ET)

    later = NOON_ET + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        session_services.reschedule_session(session=session, starts_at=later, ends_at=later + dt.timedelta(hours=1))

    update = smtp_sink.received[1]
    assert update["Subject"] == "New time: Comfort care"
    content = _calendar_part(update).get_payload(decode=True)
    (event,) = events(content)
    assert (event["uid"], event["sequence"], event["start"]) == (f"session-{session.pk}@127.0.0.1", 1, later)

    with django_capture_on_commit_callbacks(execute=True):
        session_services.cancel_session(session=session)

    cancel = smtp_sink.received[2]
    part = _calendar_part(cancel)
    assert part.get_param("method") == "CANCEL"
    (event,) = events(part.get_payload(decode=True))
    assert (event["uid"], event["sequence"], event["status"]) == (f"session-{session.pk}@127.0.0.1", 2, "CANCELLED")
    assert smtp_sink.keys() == [
        smtp_sink.received[0]["X-Echo-Idempotency-Key"].strip(),
        f"update:{session.registrations.get().pk}:1",
        f"update:{session.registrations.get().pk}:2",
    ]
