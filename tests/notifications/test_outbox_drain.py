"""One drain for many emails: a row written alone wakes a drain through a flag in the shared cache, and the drain
sends every row waiting for one, each exactly once; the sweep still sends what a lost drain left behind."""

import threading
import urllib.parse
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Registration
from notifications import delivery, kick, tasks
from notifications.models import OutboundEmail
from tests import factories
from tests.concurrency import all_at_once
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    broker_refusing,
    broker_url,
    celery_queue_fixture,
    database_url_of_test_db,
    free_port,
    outbox_templates_fixture,
    queue_hello,
    smtp_sink_fixture,
    wait_until,
    worker_env,
    worker_processes_fixture,
)

LEARNERS = 24
SEATS = 6


def _written_alone(count: int, *, prefix: str = "confirm") -> list[OutboundEmail]:
    """Rows written one per transaction, waiting for their kick (none is published: the test runs the drains)."""
    with mock.patch("notifications.tasks.publish_deliveries"):
        return [queue_hello(f"{prefix}:{n}", to=f"learner{n}@example.org") for n in range(count)]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_registrations_emails_every_learner_exactly_once_through_drains_on_a_real_worker(
    redis_cache, settings, celery_queue, smtp_sink, worker_processes
):
    shared = settings.CACHES["default"]
    worker_processes(
        worker_env(
            database_url=database_url_of_test_db(),
            broker=broker_url(),
            queue=celery_queue,
            smtp_port=smtp_sink.port,
            # The worker shares the web's cache, as production's do: it takes the flag the web raised down.
            CACHE_URL=f"{shared['LOCATION']}?key_prefix={urllib.parse.quote(shared['KEY_PREFIX'])}",
        ),
        queue=celery_queue,
        concurrency=2,
    )
    series = factories.SeriesFactory(slug="burst")
    session = factories.SessionFactory(series=series, title="Comfort care", capacity=SEATS)
    early, *learners = factories.UserFactory.create_batch(LEARNERS + 1)
    url = reverse("enrollment:register", args=[series.slug])

    def register(user):
        browser = Client()
        browser.force_login(user)
        return browser.post(url, {"sessions": [session.pk], "consent": "on"}).status_code

    with mock.patch.object(tasks, "hand_out", wraps=tasks.hand_out) as published_alone:
        # One learner registers before the newsletter goes out: the worker is up and its drain has run.
        assert register(early) == 302
        wait_until(lambda: smtp_sink.received, timeout=60, message="the first learner's email")
        assert all_at_once(register, learners) == [302] * LEARNERS
        learners.append(early)

    registrations = Registration.objects.filter(session=session)
    assert registrations.filter(status=Registration.Status.REGISTERED).count() == SEATS
    assert registrations.filter(status=Registration.Status.WAITLISTED).count() == LEARNERS + 1 - SEATS
    keys = sorted(OutboundEmail.objects.values_list("idempotency_key", flat=True))
    assert len(keys) >= LEARNERS
    wait_until(lambda: len(smtp_sink.received) >= len(keys), timeout=60, message=f"{len(keys)} emails")
    wait_until(
        lambda: set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}, message="every row sent"
    )
    # Exactly once each, every learner told, and no row published on its own: the drains sent them all.
    assert sorted(smtp_sink.keys()) == keys
    assert {message["To"] for message in smtp_sink.received} == {user.email for user in learners}
    assert set(OutboundEmail.objects.values_list("attempts", flat=True)) == {1}
    published_alone.assert_not_called()


@pytest.mark.django_db
def test_a_registration_without_a_broker_is_emailed_at_once_and_so_is_the_next(
    client, clinician, outsider, django_capture_on_commit_callbacks
):
    # `make run`: tasks run in-process and the cache is this process's memory. The drain runs at commit and takes
    # its flag down, so the next learner's email goes at once too.
    series = factories.SeriesFactory(slug="psw")
    session = factories.SessionFactory(series=series, title="Comfort care")
    url = reverse("enrollment:register", args=[series.slug])

    for user, emails in ((clinician, 1), (outsider, 2)):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"sessions": [session.pk], "consent": "on"})
        assert response.status_code == 302
        assert len(mail.outbox) == emails
        assert mail.outbox[-1].to == [user.email]
        assert "Comfort care" in mail.outbox[-1].subject

    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert cache.get(kick.FLAG) is None


@pytest.mark.django_db
@pytest.mark.usefixtures("outbox_templates")
def test_when_the_drain_message_is_lost_with_the_flag_up_the_sweep_sends_the_emails_once(
    django_capture_on_commit_callbacks,
):
    # The drain is published, and its message never reaches a worker: the flag stays up and swallows the next kick.
    with mock.patch.object(tasks.drain_outbox, "apply_async") as lost:
        with django_capture_on_commit_callbacks(execute=True):
            first = queue_hello("confirm:1")
        with django_capture_on_commit_callbacks(execute=True):
            second = queue_hello("confirm:2", to="bob@example.org")
    assert lost.call_count == 1
    assert cache.get(kick.FLAG) is not None
    assert mail.outbox == []

    # A minute later beat's sweep finds both rows past their grace and publishes them, flag or not.
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    OutboundEmail.objects.update(created_at=a_minute_ago, next_attempt_at=a_minute_ago)
    assert tasks.sweep_outbox.apply().get() == 2
    assert tasks.sweep_outbox.apply().get() == 0

    assert sorted(message.extra_headers["X-Echo-Idempotency-Key"] for message in mail.outbox) == [
        "confirm:1",
        "confirm:2",
    ]
    assert set(OutboundEmail.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"sent"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("outbox_templates")
def test_two_drains_at_once_send_each_email_once(smtp_sink):
    rows = _written_alone(60)
    # The first drain's first message is held at the SMTP server: its batch stays in flight meanwhile.
    smtp_sink.hold_next = True
    first_drain: list[dict] = []
    running = threading.Thread(target=lambda: first_drain.append(kick.drain(batch_size=10)))
    running.start()
    assert smtp_sink.holding.wait(timeout=20), "the first drain never reached DATA"

    second = kick.drain(batch_size=10)
    smtp_sink.release.set()
    running.join(timeout=30)

    [first] = first_drain
    assert (first[delivery.Outcome.SENT], second[delivery.Outcome.SENT]) == (10, 50)
    assert sorted(smtp_sink.keys()) == sorted(row.idempotency_key for row in rows)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("outbox_templates")
def test_drains_claiming_at_the_same_instant_never_take_the_same_row():
    rows = _written_alone(50)

    claimed = all_at_once(lambda _n: [row.pk for row in delivery.claim_fresh(limit=5)], range(20))

    taken = [pk for batch in claimed for pk in batch]
    assert len(taken) == len(set(taken))
    assert sorted(taken) == sorted(row.pk for row in rows)


@pytest.mark.django_db
@pytest.mark.usefixtures("outbox_templates")
def test_rows_a_failed_attempt_gave_back_wait_for_the_sweeper_not_the_next_drain():
    [given_back, retrying, fresh] = _written_alone(3)
    for row in delivery.claim_many(outbound_ids=[given_back.pk, retrying.pk]):
        if row.pk == given_back.pk:
            delivery.release([row])
        else:
            delivery._record_failure(row, OSError("Connection reset by peer"))

    assert [row.pk for row in delivery.claim_fresh(limit=10)] == [fresh.pk]


@pytest.mark.django_db
@pytest.mark.usefixtures("outbox_templates")
def test_when_the_cache_does_not_answer_the_row_is_published_alone_and_delivered(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    published = mock.patch.object(tasks.deliver_email, "apply_async", wraps=tasks.deliver_email.apply_async)
    with published as deliver_email, django_capture_on_commit_callbacks(execute=True):
        row = queue_hello("confirm:1")

    deliver_email.assert_called_once_with((row.pk,))
    [message] = mail.outbox
    assert message.extra_headers["X-Echo-Idempotency-Key"] == "confirm:1"
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert "published alone" in caplog.text


@pytest.mark.django_db
@pytest.mark.usefixtures("outbox_templates")
def test_an_email_whose_drain_the_broker_refused_goes_with_the_next_one(django_capture_on_commit_callbacks):
    with broker_refusing(), django_capture_on_commit_callbacks(execute=True):
        queue_hello("confirm:1")
    assert mail.outbox == []

    # The broker answers again: the next email's drain finds the first one still waiting, within its grace.
    with django_capture_on_commit_callbacks(execute=True):
        queue_hello("confirm:2", to="bob@example.org")

    assert sorted(message.extra_headers["X-Echo-Idempotency-Key"] for message in mail.outbox) == [
        "confirm:1",
        "confirm:2",
    ]
