"""A fan-out's messages go to a server that offers PIPELINING in one round trip each (`notifications.pipelining`).

What the server receives must be what smtplib's `sendmail` hands it for the same message (the envelope, its SIZE,
the content once the dot-stuffing is undone), and so what Django builds for the same row; a refusal, a temporary
failure or a lost connection must be recorded on the row it concerns, as it is when each message is sent alone,
with no email lost or sent twice.
"""

import smtplib
from unittest import mock

import pytest

from notifications import pipelining, wire
from notifications.delivery import Outcome, deliver_many
from notifications.models import OutboundEmail
from tests import factories
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    outbox_templates_fixture,
    smtp_sink_fixture,
)
from tests.notifications.test_recordings_rendered_at_delivery import NAMES, _queue, held  # noqa: F401 - fixture
from tests.notifications.test_wire_bytes import _assert_each_is_what_the_ordinary_way_builds

pytestmark = pytest.mark.django_db


def _registrants(session, names, *, languages=("en", "fr")) -> list[OutboundEmail]:
    for name in names:
        for language in languages:
            factories.RegistrationFactory(
                user=factories.UserFactory(first_name=name, preferred_language=language),
                session=session,
                attended_minutes=55,
            )
    return _queue()


def _sent_by_pipelining_and_by_sendmail(smtp_sink, rows):
    """Deliver `rows` with PIPELINING offered; returns what the server received then, and what it receives when
    the same messages (the same bytes) are handed to `sendmail` one by one."""
    smtp_sink.pipelining = True
    sent_alone = mock.patch.object(smtplib.SMTP, "sendmail", side_effect=AssertionError("sent without pipelining"))
    prebuilt: list[wire.Prebuilt] = []
    original = wire.prebuild

    def prebuild(*args, **kwargs):
        built = original(*args, **kwargs)
        prebuilt.extend(built.values())
        return built

    with mock.patch.object(wire, "prebuild", side_effect=prebuild), sent_alone:
        counts = deliver_many(outbound_ids=[row.pk for row in rows])
    messages = sorted(prebuilt, key=lambda message: [row.recipient for row in rows].index(message.recipient))
    pipelined = (list(smtp_sink.envelopes), list(smtp_sink.raw))
    smtp_sink.envelopes.clear()
    smtp_sink.raw.clear()
    smtp_sink.pipelining = False
    client = smtplib.SMTP("127.0.0.1", smtp_sink.port)
    for message in messages:
        client.sendmail(message.sender, [message.recipient], message.data)
    client.quit()
    return counts, pipelined, (smtp_sink.envelopes, smtp_sink.raw)


def test_recording_emails_pipelined_reach_the_server_as_sendmail_and_the_ordinary_way_give_them(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _registrants(held, NAMES)

    counts, pipelined, alone = _sent_by_pipelining_and_by_sendmail(smtp_sink, rows)

    assert counts[Outcome.SENT] == 12
    assert pipelined == alone
    # The server offers SIZE: each MAIL command says how big its message is, as sendmail's does.
    assert all(len(options) == 1 and options[0].lower().startswith("size=") for _sender, options, _to in pipelined[0])
    assert [to for _sender, _options, to in pipelined[0]] == [[row.recipient] for row in rows]
    assert len(set(smtp_sink.peers[:12])) == 1  # one connection for the batch
    smtp_sink.raw[:] = pipelined[1]
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)


@pytest.mark.usefixtures("outbox_templates")
def test_lines_that_start_with_a_dot_are_stuffed_as_sendmail_stuffs_them(smtp_sink):
    from tests.notifications.test_wire_bytes import _send_letters

    smtp_sink.pipelining = True
    with mock.patch.object(smtplib.SMTP, "sendmail", side_effect=AssertionError("sent without pipelining")):
        counts, _built = _send_letters(["Ann", "Bob", "Cy"], topic=".\n..\n. Pain and dyspnea at home.")

    assert counts[Outcome.SENT] == 3
    bodies = [message.get_body(("plain",)).get_content() for message in smtp_sink.received]
    assert all("\r\n.\r\n..\r\n. Pain and dyspnea at home." in body for body in bodies)
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)


def _outcome(rows, smtp_sink):
    smtp_sink.pipelining = True
    with mock.patch.object(smtplib.SMTP, "sendmail", side_effect=AssertionError("sent without pipelining")):
        counts = deliver_many(outbound_ids=[row.pk for row in rows])
    return counts, {row.recipient: row for row in OutboundEmail.objects.all()}


def test_a_refused_recipient_in_the_pipeline_fails_alone_and_the_others_go_out_once_on_the_same_connection(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _registrants(held, ["Ann", "Bob", "Cyd", "Dee"], languages=("en",))
    refused, temporary = rows[1].recipient, rows[2].recipient
    smtp_sink.refused_recipients[refused] = "550 5.1.1 Recipient address rejected"
    smtp_sink.refused_recipients[temporary] = "450 4.2.1 Mailbox busy, try later"

    counts, by_recipient = _outcome(rows, smtp_sink)

    assert (counts[Outcome.SENT], counts[Outcome.FAILED], counts[Outcome.RETRY]) == (2, 1, 1)
    assert sorted(smtp_sink.keys()) == sorted(row.idempotency_key for row in (rows[0], rows[3]))
    assert len(set(smtp_sink.peers)) == 1
    assert by_recipient[refused].status == OutboundEmail.Status.FAILED
    assert by_recipient[refused].last_error.startswith("550 5.1.1 Recipient address rejected")
    assert by_recipient[temporary].status == OutboundEmail.Status.QUEUED
    assert by_recipient[temporary].last_error.startswith("450 4.2.1")
    assert {by_recipient[row.recipient].status for row in (rows[0], rows[3])} == {OutboundEmail.Status.SENT}


def test_a_message_refused_after_its_content_is_recorded_on_its_own_row_not_the_next(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _registrants(held, ["Ann", "Bob", "Cyd"], languages=("en",))
    # The server's answers to the three messages' content: the second is refused for now.
    smtp_sink.replies = ["250 OK", "451 4.3.0 Try again later", "250 OK"]

    counts, by_recipient = _outcome(rows, smtp_sink)

    assert (counts[Outcome.SENT], counts[Outcome.RETRY]) == (2, 1)
    assert by_recipient[rows[1].recipient].status == OutboundEmail.Status.QUEUED
    assert by_recipient[rows[1].recipient].last_error.startswith("451 4.3.0")
    assert {by_recipient[rows[n].recipient].status for n in (0, 2)} == {OutboundEmail.Status.SENT}
    assert sorted(smtp_sink.keys()) == sorted(rows[n].idempotency_key for n in (0, 2))


def test_a_server_that_closes_the_connection_mid_batch_loses_no_email_and_sends_none_twice(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _registrants(held, ["Ann", "Bob", "Cyd", "Dee", "Eve"], languages=("en",))
    # The second message's content is answered "closing": smtplib drops the connection, the rest of the batch
    # goes back to the queue for the sweeper.
    smtp_sink.replies = ["250 OK", "421 4.3.2 Shutting down"]

    counts, by_recipient = _outcome(rows, smtp_sink)

    assert counts[Outcome.SENT] == 1
    statuses = [by_recipient[row.recipient].status for row in rows]
    assert statuses == [OutboundEmail.Status.SENT] + [OutboundEmail.Status.QUEUED] * 4
    assert smtp_sink.keys() == [rows[0].idempotency_key]

    # The sweeper's next delivery of what is left sends each of them once.
    smtp_sink.replies = []
    again = deliver_many(outbound_ids=[row.pk for row in rows])
    assert again[Outcome.SENT] == 4
    assert sorted(smtp_sink.keys()) == sorted(row.idempotency_key for row in rows)


def test_without_pipelining_offered_each_message_is_handed_to_sendmail(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _registrants(held, ["Ann", "Bob"], languages=("en",))

    with mock.patch.object(pipelining.Pipeline, "send") as pipelined:
        counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert counts[Outcome.SENT] == 2 and not pipelined.called
    assert sorted(smtp_sink.keys()) == sorted(row.idempotency_key for row in rows)


@pytest.mark.parametrize(
    "address",
    [
        "learner00001@example.org",
        "Ann.O'Brien+echo@Sub.Example.ORG",
        "a{b}|c~d@x-y.org",
        "a..b@x.org",
        '"a b"@x.org',
        "Echo <echo@example.org>",
        "<echo@example.org>",
        "zoë@example.org",
        "a@xn--bcher-kva.example",
        "",
    ],
)
def test_addresses_are_quoted_in_the_commands_as_smtplib_quotes_them(address):
    assert pipelining.quoteaddr(address) == smtplib.quoteaddr(address)
