"""The recording email is queued as a row with a few ids, a thousand per INSERT, and built a delivery batch at a time.

What a session's registrants share is rendered once per language and wording and each recipient's name filled
in: the emails must be exactly what rendering each one in full gives (as the producer did before), in English
and French, for those who attended and those who missed it, whatever their name holds.
"""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrollment import emails, recordings
from enrollment.calendar import absolute
from notifications import deferred, sweeper
from notifications.delivery import Outcome, deliver_many
from notifications.models import OutboundEmail
from notifications.rendering import render_email, render_stencil
from sessions.models import Resource
from tests import factories
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    outbox_templates_fixture,
    smtp_sink_fixture,
)

pytestmark = pytest.mark.django_db

NAMES = ["Ann", "O'Brien & <Sons>", 'Zoë "Z" Ng', "Éloïse", "Bob", "Chloé"]


@pytest.fixture
def held(hub):
    series = factories.SeriesFactory(hub=hub, title="Palliative Care ECHO")
    start = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0)
    session = factories.SessionFactory(
        series=series, title="Grief & <loss> at home", starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    now = timezone.now()
    factories.ResourceFactory(
        session=session, kind=Resource.Kind.RECORDING, url="https://video.example.org/grief", published_at=now
    )
    factories.ResourceFactory(
        session=session, kind=Resource.Kind.SLIDES, title="Slides “1”", url="", file="resources/g.pdf", published_at=now
    )
    factories.ResourceFactory(session=session, kind=Resource.Kind.QA, url="", text="Q? A.", published_at=now)
    return session


def _queue() -> list[OutboundEmail]:
    with mock.patch("notifications.tasks.publish_deliveries"):
        recordings.queue_recording_followups()
    return list(OutboundEmail.objects.order_by("pk"))


def _as_rendered_when_queued(registration) -> tuple[str, str, str]:
    """The email rendered in full for one registrant, with their own context, as the producer used to."""
    user, session = registration.user, registration.session
    page_url = absolute(session.get_absolute_url())
    resources = session.resources.filter(published_at__isnull=False).order_by("kind", "pk")
    context = {
        **emails.recipient_context(user),
        "item": emails.session_item(session, with_join_link=False),
        "attendance": emails.ATTENDED if registration.attended else emails.MISSED,
        "resources": [
            {"resource": resource, "url": absolute(resource.href) if resource.href else page_url}
            for resource in resources
        ],
    }
    rendered = render_email(template="enrollment/email/recording", context=context, language=emails.language_of(user))
    return rendered.subject, rendered.body_text, rendered.body_html


def test_each_email_of_a_batch_is_what_rendering_it_in_full_gives_in_english_and_french_attended_or_not(
    held, smtp_sink
):
    registrations = [
        factories.RegistrationFactory(
            user=factories.UserFactory(first_name=name, preferred_language=language),
            session=held,
            attended_minutes=minutes,
        )
        for name in NAMES
        for language in ("en", "fr")
        for minutes in (55, 0)
    ]
    rows = _queue()
    # Nothing rendered by the producer: a name and the ids.
    assert {(row.renderer, row.subject, row.body_text) for row in rows} == {(emails.RECORDING, "", "")}

    with mock.patch("notifications.deferred.render_email", wraps=deferred.render_email) as rendered_in_full:
        counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert counts[Outcome.SENT] == len(registrations) == 24
    # Four groups (two languages, two wordings): one email each rendered in full to check its stencil against.
    assert rendered_in_full.call_count == 4
    by_key = {row.idempotency_key: row for row in OutboundEmail.objects.all()}
    for registration in registrations:
        row = by_key[f"recording:{registration.pk}"]
        assert row.status == OutboundEmail.Status.SENT
        assert (row.subject, row.body_text, row.body_html) == _as_rendered_when_queued(registration)
    # The wire carries the same: the escaped name in the HTML, as it is in the text.
    message = next(m for m in smtp_sink.received if m["To"] == registrations[4].user.email)
    assert "Hello O&#x27;Brien &amp; &lt;Sons&gt;," in message.get_body(("html",)).get_content()
    assert "Hello O'Brien & <Sons>," in message.get_body(("plain",)).get_content()
    french = by_key[f"recording:{registrations[3].pk}"]
    assert french.subject == "Vous nous avez manqué à Grief & <loss> at home : rattrapez-vous avec l’enregistrement"
    assert "Bonjour Ann," in french.body_text


def test_a_batch_reads_its_registrations_and_materials_in_two_queries_whatever_its_size(held):
    for n in range(30):
        language = "fr" if n % 3 == 0 else "en"
        factories.RegistrationFactory(session=held, attended_minutes=n % 2, user__preferred_language=language)
    rows = _queue()

    with CaptureQueriesContext(connection) as queries:
        rendered = deferred.render_many(
            renderer=emails.RECORDING, items=[(row.render_data, row.language) for row in rows]
        )

    # 1. the registrations with their person and session; 2. the sessions' published materials.
    assert len(queries.captured_queries) == 2
    greetings = {row.language: "Hello " if row.language == "en" else "Bonjour " for row in rows}
    for row, email in zip(rows, rendered, strict=True):
        assert greetings[row.language] in email.email.body_text


def test_the_producer_writes_its_rows_in_one_insert_select_and_renders_nothing(held):
    for _n in range(3):
        factories.RegistrationFactory(session=held, attended_minutes=30)

    with mock.patch("notifications.tasks.publish_deliveries"), CaptureQueriesContext(connection) as queries:
        with mock.patch("notifications.outbox.render_email") as render:
            assert recordings.queue_recording_followups() == 3
        # Run again (beat runs every quarter of an hour): nobody is queued twice.
        assert recordings.queue_recording_followups() == 0

    render.assert_not_called()
    # One INSERT … SELECT per run, nothing fetched into Python; the second run's writes no row.
    inserts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 2
    assert all(" SELECT " in sql for sql in inserts)
    assert OutboundEmail.objects.count() == 3


def test_an_email_whose_registration_is_gone_fails_with_the_reason_and_the_rest_of_its_batch_goes_out(held, smtp_sink):
    kept = factories.RegistrationFactory(session=held, attended_minutes=30)
    gone = factories.RegistrationFactory(session=held, attended_minutes=30)
    rows = _queue()
    gone.user.delete()

    counts = deliver_many(outbound_ids=[row.pk for row in rows])

    assert (counts[Outcome.SENT], counts[Outcome.FAILED]) == (1, 1)
    failed = OutboundEmail.objects.get(idempotency_key=f"recording:{gone.pk}")
    assert failed.status == OutboundEmail.Status.FAILED
    assert failed.last_error.startswith("NothingToSend: enrollment.recording found nothing to send")
    assert smtp_sink.keys() == [f"recording:{kept.pk}"]


def test_materials_withdrawn_before_delivery_send_nothing(held, smtp_sink):
    factories.RegistrationFactory(session=held, attended_minutes=30)
    (row,) = _queue()
    held.resources.update(published_at=None)

    assert deliver_many(outbound_ids=[row.pk])[Outcome.FAILED] == 1
    assert smtp_sink.received == []


def test_a_batch_whose_worker_died_after_claiming_it_is_swept_and_each_email_goes_out_once(held, smtp_sink):
    registrations = [factories.RegistrationFactory(session=held, attended_minutes=30) for _n in range(5)]
    rows = _queue()
    # A worker claimed the batch and died before rendering anything: in flight, past the claim timeout.
    OutboundEmail.objects.update(
        status=OutboundEmail.Status.IN_FLIGHT, attempts=1, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )

    def publish(ids):
        deliver_many(outbound_ids=ids)

    assert sorted(sweeper.sweep(publish=publish)) == sorted(row.pk for row in rows)
    assert sweeper.sweep(publish=publish) == []
    deliver_many(outbound_ids=[row.pk for row in rows])  # the dead worker's task redelivered: nothing more

    assert sorted(smtp_sink.keys()) == sorted(f"recording:{registration.pk}" for registration in registrations)
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {(OutboundEmail.Status.SENT, 2)}


# --- the stencil itself, on templates of our own ---------------------------------------------------------------


@pytest.mark.usefixtures("outbox_templates")
def test_a_stencil_filled_in_is_what_the_full_rendering_gives_escaped_where_the_template_escapes():
    context = {"topic": "Pain & <dyspnea>"}
    stencil = render_stencil(template="testmail/greeting", context=context, language="fr", personal=["name"])

    for name in ["Ann", "O'Brien & <Sons>", "  spaced   out  "]:
        expected = render_email(template="testmail/greeting", context={**context, "name": name}, language="fr")
        assert stencil.fill({"name": name}) == expected


@pytest.mark.usefixtures("outbox_templates")
def test_a_template_that_filters_a_personal_value_has_no_stencil_and_its_emails_are_rendered_in_full():
    assert render_stencil(template="testmail/shouting", context={}, language="en", personal=["name"]) is None

    def contents(items):
        shared = deferred.Content(template="testmail/shouting", context={})
        return [deferred.Personalised(shared=shared, values={"name": item["name"]}) for item in items]

    with mock.patch.dict(deferred._batch_renderers):
        deferred.register_many("tests.shouting", contents)
        rendered = deferred.render_many(
            renderer="tests.shouting", items=[({"name": "ann"}, "en"), ({"name": "bob"}, "en"), ({"name": "cy"}, "en")]
        )

    assert [email.email.subject for email in rendered] == ["HELLO ANN", "HELLO BOB", "HELLO CY"]
