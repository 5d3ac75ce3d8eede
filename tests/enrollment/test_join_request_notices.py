"""Bob manages the hub: when clinicians ask to join its series by approval, the hourly beat emails him once.

Alice and Carol ask from the series page; the beat's task runs as Celery beat names it; Bob reads the email,
follows its link and finds the requests. Nothing is sent twice, nor again until someone new asks.
"""

import datetime as dt
import urllib.parse

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from echo_portal.celery import app
from enrollment.models import JoinRequest
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.content_support import assert_links_absolute, deliver_queued, links

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(hub):
    series = factories.SeriesFactory(
        hub=hub, title="Palliative Care Rounds", registration_mode=Series.RegistrationMode.APPROVAL
    )
    factories.SessionFactory(series=series, title="Rounds 1", days_from_now=7)
    return series


@pytest.fixture
def alice(db):
    return factories.UserFactory(email="alice@example.org", first_name="Alice", last_name="Tremblay")


@pytest.fixture
def carol(db):
    return factories.UserFactory(email="carol@example.org", first_name="Carol")


def _ask(client, user, series):
    client.force_login(user)
    response = client.post(reverse("enrollment:ask_to_join", args=[series.slug]), {"consent": "on"})
    assert response.status_code == 302
    client.logout()


def _beat(settings) -> int:
    """The task Celery beat runs hourly, found by the name the schedule gives."""
    entry = settings.CELERY_BEAT_SCHEDULE["queue-join-request-notices"]
    assert entry["schedule"] == 3600
    app.loader.import_default_modules()
    result = app.tasks[entry["task"]].apply().get()
    deliver_queued()
    return result


def _notices_to(address):
    return list(
        OutboundEmail.objects.filter(recipient=address, idempotency_key__startswith="join-waiting:").order_by("pk")
    )


def test_the_manager_is_told_how_many_wait_and_follows_the_link_to_decide(
    client, settings, hub, hub_manager, series, alice, carol
):
    _ask(client, alice, series)
    _ask(client, carol, series)

    assert _beat(settings) == 1

    (notice,) = _notices_to(hub_manager.email)
    assert notice.status == OutboundEmail.Status.SENT
    assert notice.subject == f"{hub.name}: 2 requests to join are waiting for approval"
    assert "- Palliative Care Rounds\n  2 requests, the first waiting since" in notice.body_text
    assert "Hello Bob," in notice.body_text
    # Names and profiles stay behind the manager's sign-in.
    assert "Alice" not in notice.body_text and "Tremblay" not in notice.body_html
    assert_links_absolute(notice)
    (sent,) = [message for message in mail.outbox if message.to == [hub_manager.email]]
    assert sent.subject == notice.subject

    review = next(href for href in links(notice.body_html) if "series-requests" in href)
    client.force_login(hub_manager)
    page = client.get(urllib.parse.urlsplit(review).path)
    assert page.status_code == 200
    assert "Alice Tremblay" in page.content.decode()
    assert "emailed within the hour when someone new asks" in page.content.decode()


def test_a_second_beat_sends_nothing_until_someone_new_asks(client, settings, hub_manager, series, alice, carol):
    _ask(client, alice, series)
    _beat(settings)

    assert _beat(settings) == 0
    assert len(_notices_to(hub_manager.email)) == 1

    _ask(client, carol, series)
    assert _beat(settings) == 1
    notices = _notices_to(hub_manager.email)
    assert len(notices) == 2
    assert "2 requests to join are waiting" in notices[-1].subject


def test_nothing_is_sent_when_the_requests_were_decided_or_withdrawn(client, settings, hub_manager, series, alice):
    _ask(client, alice, series)
    client.force_login(alice)
    client.post(reverse("enrollment:withdraw_join_request", args=[series.slug]))

    assert _beat(settings) == 0
    assert _notices_to(hub_manager.email) == []


def test_asking_again_after_a_decline_is_announced_again(client, settings, hub_manager, series, alice):
    _ask(client, alice, series)
    _beat(settings)
    join_request = JoinRequest.objects.get(user=alice)
    join_request.leave_pending(JoinRequest.State.DECLINED, now=timezone.now() - dt.timedelta(minutes=5))

    _ask(client, alice, series)

    assert _beat(settings) == 1
    assert len(_notices_to(hub_manager.email)) == 2


def test_facilitators_other_hubs_and_inactive_managers_are_not_told(
    client, settings, hub, other_hub_manager, series, alice
):
    facilitator = factories.UserFactory(email="fran@example.org")
    factories.HubMembershipFactory(hub=hub, user=facilitator, role="facilitator")
    gone = factories.UserFactory(email="gone@example.org", is_active=False)
    factories.HubMembershipFactory(hub=hub, user=gone, role="manager")
    _ask(client, alice, series)

    assert _beat(settings) == 0
    assert not OutboundEmail.objects.filter(idempotency_key__startswith="join-waiting:").exists()


def test_a_french_manager_reads_it_in_french_with_the_series_title_in_french(
    client, settings, hub, series, alice, carol
):
    series.title_fr = "Rencontres en soins palliatifs"
    series.save()
    other = factories.SeriesFactory(
        hub=hub, title="Grief Circle", title_fr="Cercle du deuil", registration_mode=Series.RegistrationMode.APPROVAL
    )
    factories.SessionFactory(series=other, days_from_now=9)
    manon = factories.UserFactory(email="manon@example.org", first_name="Manon", preferred_language="fr")
    factories.HubMembershipFactory(hub=hub, user=manon, role="manager")
    _ask(client, alice, series)
    _ask(client, carol, other)

    _beat(settings)

    (notice,) = _notices_to(manon.email)
    assert notice.language == "fr"
    assert notice.subject == f"{hub.name} : 2 demandes d’adhésion attendent votre approbation"
    assert "Bonjour Manon," in notice.body_text
    # Longest waiting first.
    assert notice.body_text.index("- Rencontres en soins palliatifs\n  1 demande, en attente depuis le") < (
        notice.body_text.index("- Cercle du deuil\n  1 demande")
    )
    assert "Examiner les demandes" in notice.body_html


@pytest.mark.parametrize(
    "language, subject, sentence",
    [
        ("en", "1 request to join is waiting for approval", "A health care professional asked to join a series of"),
        ("fr", "1 demande d’adhésion attend votre approbation", "Une personne professionnelle de la santé a demandé"),
    ],
)
def test_one_request_is_announced_in_the_singular(client, settings, hub, series, alice, language, subject, sentence):
    manager = factories.UserFactory(email="lone@example.org", first_name="Lou", preferred_language=language)
    factories.HubMembershipFactory(hub=hub, user=manager, role="manager")
    _ask(client, alice, series)

    _beat(settings)

    (notice,) = _notices_to(manager.email)
    assert subject in notice.subject
    assert sentence in notice.body_text and sentence in notice.body_html
    assert "professionals asked" not in notice.body_text and "Des professionnels" not in notice.body_text
