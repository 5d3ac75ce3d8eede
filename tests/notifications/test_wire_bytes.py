"""A fan-out's messages are built once per stencil as bytes and filled in per email (`notifications.wire`).

What reaches the SMTP server must be, byte for byte but for the Date and the random MIME boundaries, what Django
and the standard library build for the same row; where filling in could not give that (a value that is not ASCII in
a 7bit body, a line grown past 998 bytes, a personal value in the subject), the email is built the ordinary way.
"""

from unittest import mock

import pytest

from notifications import deferred, delivery, wire
from notifications.delivery import Outcome, deliver_many
from notifications.models import OutboundEmail
from tests import factories
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    outbox_templates_fixture,
    smtp_sink_fixture,
)
from tests.notifications.test_recordings_rendered_at_delivery import NAMES, _queue, held  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _assert_each_is_what_the_ordinary_way_builds(smtp_sink) -> None:
    rows = {row.idempotency_key: row for row in OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)}
    assert len(smtp_sink.raw) == len(rows)
    for data in smtp_sink.raw:
        key = next(line for line in data.split(b"\r\n") if line.startswith(b"X-Echo-Idempotency-Key: "))
        row = rows[key.partition(b": ")[2].decode()]
        ordinary = wire.ordinary_bytes(row, delivery.build_message)
        # The sink hands over the message as the client sent it, but for the dot-stuffing and final line ending.
        assert wire._comparable(data.rstrip(b"\r\n")) == wire._comparable(ordinary.rstrip(b"\r\n"))


def _of_each_group(session) -> list[OutboundEmail]:
    """The recording email queued for each of NAMES in the four groups: English and French, attended and not."""
    for name in NAMES:
        for language in ("en", "fr"):
            for minutes in (55, 0):
                factories.RegistrationFactory(
                    user=factories.UserFactory(first_name=name, preferred_language=language),
                    session=session,
                    attended_minutes=minutes,
                )
    return _queue()


def test_recording_emails_are_filled_in_as_bytes_that_are_what_building_each_gives_in_english_and_french(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _of_each_group(held)

    with mock.patch("notifications.delivery.build_message", wraps=delivery.build_message) as built:
        counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert counts[Outcome.SENT] == 24
    # Four groups (two languages, two wordings): each built once with markers and once in full to check it.
    assert built.call_count == 8
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)
    french = next(m for m in smtp_sink.received if "Bonjour Éloïse," in m.get_body(("plain",)).get_content())
    assert french["Content-Type"].startswith("multipart/alternative")
    assert "Bonjour Éloïse," in french.get_body(("html",)).get_content()


def test_a_later_batch_of_the_same_fan_out_is_filled_in_without_rendering_or_building_any_email_in_full(
    held,  # noqa: F811 - the fixture
    smtp_sink,
):
    rows = _of_each_group(held)
    checks = (
        mock.patch("notifications.deferred.render_email", wraps=deferred.render_email),
        mock.patch("notifications.delivery.build_message", wraps=delivery.build_message),
    )

    with checks[0] as rendered_in_full, checks[1] as built:
        # Two batches, each with three emails of each of the four groups (two languages, two wordings).
        first = deliver_many(outbound_ids=[row.pk for n, row in enumerate(rows) if n // 4 % 2 == 0])
        first_checks = (rendered_in_full.call_count, built.call_count)
        second = deliver_many(outbound_ids=[row.pk for n, row in enumerate(rows) if n // 4 % 2 == 1])

    assert first[Outcome.SENT] == second[Outcome.SENT] == 12
    # The first batch renders one email of each group in full and builds its template and one email; the second
    # renders its stencils again (what it says is read again) but finds each checked already.
    assert first_checks == (4, 8)
    assert (rendered_in_full.call_count, built.call_count) == first_checks
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)
    by_key = {row.idempotency_key: row for row in OutboundEmail.objects.all()}
    assert all(by_key[row.idempotency_key].body_text for row in rows)


def _queue_deferred(names: list[str], *, renderer: str, language: str) -> None:
    """Rows to be rendered at delivery by `renderer`, one per name, as a fan-out writes them."""
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            recipient=f"reader{n}@example.org",
            language=language,
            idempotency_key=f"{renderer}:{n}",
            renderer=renderer,
            render_data={"name": name},
        )
        for n, name in enumerate(names)
    )


def _send_letters(names: list[str], *, topic: str = "Pain and dyspnea at home.") -> tuple[dict[Outcome, int], int]:
    """The letter (testmail/letter: the name twice in the text, once in the HTML, not in the subject) to each name,
    through the outbox; returns the delivery's counts and how many messages were built the ordinary way."""

    def contents(items):
        shared = deferred.Content(template="testmail/letter", context={"topic": topic})
        return [deferred.Personalised(shared=shared, values={"name": item["name"]}) for item in items]

    with mock.patch.dict(deferred._batch_renderers):
        deferred.register_many("tests.letter", contents)
        _queue_deferred(names, renderer="tests.letter", language="en")
        with mock.patch("notifications.delivery.build_message", wraps=delivery.build_message) as built:
            counts = deliver_many(outbound_ids=list(OutboundEmail.objects.values_list("pk", flat=True)))
    return counts, built.call_count


@pytest.mark.usefixtures("outbox_templates")
def test_a_name_that_is_not_ascii_in_a_7bit_body_or_too_long_for_a_line_is_built_the_ordinary_way(smtp_sink):
    names = ["Ann", "Bob", "Zoë", "O'Brien & <Sons>", "x" * 990, "Cy"]

    counts, built = _send_letters(names)

    assert counts[Outcome.SENT] == 6
    # The template and its check, then Zoë (the body would become 8bit) and the long name, each in full.
    assert built == 4
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)
    bodies = {m["To"]: m.get_body(("plain",)) for m in smtp_sink.received}
    assert bodies["reader2@example.org"]["Content-Transfer-Encoding"] == "8bit"
    assert bodies["reader0@example.org"]["Content-Transfer-Encoding"] == "7bit"
    assert "Dear Zoë," in bodies["reader2@example.org"].get_content()


@pytest.mark.usefixtures("outbox_templates")
def test_a_body_encoded_as_quoted_printable_sends_its_group_the_ordinary_way(smtp_sink):
    counts, built = _send_letters(["Ann", "Bob", "Cy"], topic="long " * 250)

    assert counts[Outcome.SENT] == 3
    # The template, given up (its text part is quoted-printable), then each message built the ordinary way.
    assert built == 4
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)


@pytest.mark.usefixtures("outbox_templates")
def test_a_personal_value_in_the_subject_sends_its_group_the_ordinary_way(smtp_sink):
    def contents(items):
        shared = deferred.Content(template="testmail/greeting", context={"topic": "Grief"})
        return [deferred.Personalised(shared=shared, values={"name": item["name"]}) for item in items]

    with mock.patch.dict(deferred._batch_renderers):
        deferred.register_many("tests.greeting", contents)
        _queue_deferred(["Ann", "Éloïse"], renderer="tests.greeting", language="fr")
        with mock.patch("notifications.delivery.build_message", wraps=delivery.build_message) as built:
            deliver_many(outbound_ids=list(OutboundEmail.objects.values_list("pk", flat=True)))

    assert built.call_count == 2
    assert sorted(m["Subject"] for m in smtp_sink.received) == ["Hello Ann: Grief", "Hello Éloïse: Grief"]
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)


def test_materials_published_in_the_admin_reach_each_registrant_over_smtp_as_the_ordinary_way_builds_them(
    client,
    staff,
    smtp_sink,
    django_capture_on_commit_callbacks,
):
    from django.contrib.admin import helpers

    from enrollment import tasks as enrollment_tasks
    from sessions.models import Resource

    session = factories.SessionFactory(title="Delirium “at home”", days_from_now=-1)
    factories.ResourceFactory(
        session=session, kind=Resource.Kind.RECORDING, url="https://video.example.org/d", published_at=None
    )
    people = [("Ann", "en", 50), ("Éloïse", "fr", 0), ("Zoë", "en", 0), ("Chloé", "fr", 45), ("Bob", "en", 30)]
    for name, language, minutes in people:
        factories.RegistrationFactory(
            user=factories.UserFactory(first_name=name, preferred_language=language),
            session=session,
            attended_minutes=minutes,
        )
    client.force_login(staff)

    response = client.post(
        "/admin/echo_sessions/session/", {"action": "publish_materials", helpers.ACTION_CHECKBOX_NAME: [session.pk]}
    )
    assert response.status_code == 302
    # Beat's next run queues them; delivered after commit, in this process (no broker in the tests).
    with (
        mock.patch("notifications.delivery.build_message", wraps=delivery.build_message) as built,
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrollment_tasks.queue_recording_followups.delay()

    assert len(smtp_sink.received) == 5
    # Ann and Bob (English, attended) share a template, built once with markers and once in full to check it;
    # Zoë, Éloïse and Chloé are alone with their language and wording: each built the ordinary way.
    assert built.call_count == 2 + 3
    _assert_each_is_what_the_ordinary_way_builds(smtp_sink)
    texts = {m["To"]: m.get_body(("plain",)).get_content() for m in smtp_sink.received}
    greetings = sorted(line for text in texts.values() for line in text.splitlines() if line.endswith(","))
    assert greetings == ["Bonjour Chloé,", "Bonjour Éloïse,", "Hello Ann,", "Hello Bob,", "Hello Zoë,"]
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 5


@pytest.mark.parametrize(
    "address",
    [
        "learner00001@example.org",
        "Ann.O'Brien+echo@Sub.Example.ORG",
        "a..b@x.org",
        '"a b"@x.org',
        "zoë@example.org",
        "a@xn--bcher-kva.example",
        "a@bücher.example",
    ],
)
def test_the_envelope_address_is_what_djangos_smtp_backend_hands_the_server(address):
    from django.core.mail.message import sanitize_address

    assert wire._envelope_address(address) == sanitize_address(address, "utf-8")
