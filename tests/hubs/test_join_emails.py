"""A request to join a spoke reaches the hub's managers by email, and the clinician hears the answer.

Alice (not yet a member) asks to join Lakeside LTC in Northern Lakes. Bob manages that hub in English,
Gabrielle in French; Fay only facilitates it and Dana manages another hub: neither hears of it.
Everything goes through the outbox, in each person's language, once per idempotency key.
"""

import pytest
from django.core import mail
from django.urls import reverse

from hubs import services
from hubs.models import SpokeMembership
from notifications.models import OutboundEmail
from tests import factories

from .conftest import manage_url, requested


@pytest.fixture
def french_manager(hub):
    user = factories.UserFactory(
        email="gabrielle@example.org", first_name="Gabrielle", last_name="Roy", preferred_language="fr"
    )
    factories.HubMembershipFactory(hub=hub, user=user, role="manager")
    return user


def test_asking_to_join_emails_each_manager_of_the_hub_in_their_language(
    client, clinician, hub, spoke, hub_manager, french_manager, facilitator, other_hub_manager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(clinician)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hubs:join", args=[hub.slug]), {"spoke": spoke.pk})

    assert response.status_code == 302
    membership = SpokeMembership.objects.get(user=clinician, spoke=spoke, status="requested")
    rows = {row.recipient: row for row in OutboundEmail.objects.all()}
    assert set(rows) == {"bob@example.org", "gabrielle@example.org"}
    english, french = rows["bob@example.org"], rows["gabrielle@example.org"]
    assert english.idempotency_key == f"spoke-request:{membership.pk}:{hub_manager.pk}"
    assert english.language == "en" and french.language == "fr"
    assert english.subject == "Alice Tremblay asks to join Lakeside Long-Term Care Home"
    assert french.subject == "Alice Tremblay demande à se joindre à Lakeside Long-Term Care Home"
    review = manage_url(hub, "members") + "#requests"
    assert review in english.body_text and review in english.body_html
    assert "alice@example.org" in english.body_text
    assert "Hello Bob," in english.body_text
    assert "Bonjour Gabrielle," in french.body_text
    assert "Approuvez ou refusez la demande" in french.body_html
    assert sorted(message.to[0] for message in mail.outbox) == ["bob@example.org", "gabrielle@example.org"]


def test_asking_again_while_the_request_waits_sends_nothing_more(
    client, clinician, hub, spoke, hub_manager, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hubs:join", args=[hub.slug]), {"spoke": spoke.pk})
    services.request_to_join(spoke=spoke, user=clinician)

    assert OutboundEmail.objects.count() == 1


def test_approving_tells_the_clinician_once(manager_client, hub, spoke, clinician, django_capture_on_commit_callbacks):
    membership = requested(spoke, clinician)
    url = manage_url(hub, "membership_approve", membership.pk)

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url)
        manager_client.post(url)  # a double click: already a member, nothing more is sent

    row = OutboundEmail.objects.get()
    assert row.recipient == "alice@example.org"
    assert row.idempotency_key == f"spoke-approved:{membership.pk}"
    assert row.subject == "You are now a member of Lakeside Long-Term Care Home"
    assert "A manager of Northern Lakes Palliative Hub (demo) approved your request" in row.body_text
    assert reverse("hubs:my_spokes") in row.body_text
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_declining_tells_the_clinician_in_french_and_nothing_else_changes(
    manager_client, hub, spoke, clinician, django_capture_on_commit_callbacks
):
    clinician.preferred_language = "fr"
    clinician.save()
    membership = requested(spoke, clinician)
    url = manage_url(hub, "membership_decline", membership.pk)

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url)
    assert manager_client.post(url).status_code == 404  # the request is gone: nothing to decline twice

    row = OutboundEmail.objects.get()
    assert row.language == "fr"
    assert row.idempotency_key == f"spoke-declined:{membership.pk}"
    assert row.subject == "Votre demande pour vous joindre à Lakeside Long-Term Care Home a été refusée"
    assert reverse("hubs:join", args=[hub.slug]) in row.body_text
    assert not SpokeMembership.objects.filter(user=clinician).exists()


def test_a_clinician_who_withdraws_their_own_request_sends_no_email(client, spoke, clinician):
    membership = requested(spoke, clinician)

    services.withdraw_request(membership=membership)

    assert not OutboundEmail.objects.exists()


def test_removing_a_member_sends_no_join_email(manager_client, hub, spoke, member):
    membership = SpokeMembership.objects.get(user=member, spoke=spoke)

    manager_client.post(manage_url(hub, "membership_remove", membership.pk))

    assert not OutboundEmail.objects.exists()
