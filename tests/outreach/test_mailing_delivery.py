"""A mailing to a segment goes through a real Celery worker to a real SMTP server, each reader in their language."""

import pytest
from celery.contrib.testing.worker import start_worker

from echo_portal.celery import app
from notifications.models import OutboundEmail
from outreach import mailings, subscriptions
from outreach.models import Mailing, Subscriber
from tests.notifications.outbox_support import (  # noqa: F401 - fixtures
    celery_queue_fixture,
    smtp_sink_fixture,
    wait_until,
)

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(celery_queue):
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[celery_queue], loglevel="WARNING", shutdown_timeout=30
    ) as running:
        yield running


def _subscriber(email, *, language, province):
    return Subscriber.objects.create(
        email=email,
        name=email.split("@")[0].title(),
        language=language,
        province=province,
        profession="registered_nurse",
        status="subscribed",
        consent_text="Yes",
        consent_version="test",
        consent_language=language,
        consent_given_at="2026-11-01T12:00:00Z",
        consent_source="/stay-connected/",
    )


def test_a_segment_is_delivered_by_the_worker_each_reader_in_their_language(worker, smtp_sink, staff):
    readers = {
        "amelie@example.org": "fr",
        "bruno@example.org": "fr",
        "claire@example.org": "en",
    }
    for email, language in readers.items():
        _subscriber(email, language=language, province="NB")
    _subscriber("outside@example.org", language="fr", province="ON")
    mailing = Mailing.objects.create(
        subject_en="Webinar: dyspnea at home",
        subject_fr="Webinaire : la dyspnée à domicile",
        body_en="Join us on Thursday.",
        body_fr="Joignez-vous à nous jeudi.",
        provinces=["NB"],
    )

    assert mailings.start_sending(mailing=mailing, by=staff) == 3

    wait_until(lambda: len(smtp_sink.received) >= 3, timeout=30, message="three emails at the SMTP server")
    wait_until(
        lambda: set(OutboundEmail.objects.filter(kind="mailing").values_list("status", flat=True)) == {"sent"},
        message="every row marked sent",
    )
    received = {message["To"]: message for message in smtp_sink.received}
    assert set(received) == set(readers)
    for email, language in readers.items():
        message = received[email]
        expected = "Webinaire : la dyspnée à domicile" if language == "fr" else "Webinar: dyspnea at home"
        assert message["Subject"] == expected
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        subscriber = Subscriber.objects.get(email=email)
        assert message["List-Unsubscribe"].strip() == f"<{subscriptions.unsubscribe_url(subscriber)}>"
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert ("Joignez-vous à nous jeudi." if language == "fr" else "Join us on Thursday.") in text
        assert "Pallium Canada" in text
    mailing.refresh_from_db()
    assert (mailing.status, mailing.recipient_count) == ("sent", 3)
