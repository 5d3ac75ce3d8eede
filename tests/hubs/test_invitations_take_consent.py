"""An invitation joins nobody to a spoke until the invited person accepts it; hubs cannot flood inboxes.

Reproduced before the fix: a manager invited victim@example.org; when that person later signed up on their own and
confirmed the address, they became an active member of the spoke without ever seeing the invitation, and the hub
saw their registrations, profession and province. There was no limit on how many invitations a hub sent.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hubs.models import SpokeInvitation, SpokeMembership
from tests import factories
from tests.hubs.conftest import make_invitation, manage_url
from tests.hubs.test_invitations import SIGNUP, _link_in

pytestmark = pytest.mark.django_db


def _sign_up_and_confirm(client, email, capture):
    with capture(execute=True):
        client.post(reverse("account_signup"), {**SIGNUP, "first_name": "Victor", "email": email})
    with capture(execute=True):
        return client.post(_link_in(mail.outbox[-1].body), follow=True)


def test_signing_up_with_an_invited_address_joins_nothing_until_accepted(
    client, spoke, django_capture_on_commit_callbacks
):
    invitation = make_invitation(spoke, "victim@example.org")

    confirmed = _sign_up_and_confirm(client, "victim@example.org", django_capture_on_commit_callbacks)

    assert not SpokeMembership.objects.exists()
    page = confirmed.content.decode()
    assert "An invitation to join a spoke is waiting for your answer." in page
    assert reverse("hubs:my_spokes") in page
    mine = client.get(reverse("hubs:my_spokes")).content.decode()
    assert "Invitations waiting for your answer" in mine
    assert spoke.name in mine
    assert f'action="{reverse("hubs:invitation", args=[invitation.token])}"' in mine
    assert 'value="accept"' in mine and 'value="decline"' in mine

    client.post(reverse("hubs:invitation", args=[invitation.token]), {"answer": "accept"})

    membership = SpokeMembership.objects.get()
    assert (membership.spoke, membership.status) == (spoke, SpokeMembership.Status.ACTIVE)


def test_declining_joins_nothing_and_the_hub_sees_declined(manager_client, hub, spoke, clinician):
    invitation = make_invitation(spoke, clinician.email)
    client = Client()
    client.force_login(clinician)

    response = client.post(reverse("hubs:invitation", args=[invitation.token]), {"answer": "decline"}, follow=True)

    assert "You declined the invitation to join Lakeside Long-Term Care Home." in response.content.decode()
    assert not SpokeMembership.objects.exists()
    invitation.refresh_from_db()
    assert invitation.state == SpokeInvitation.State.DECLINED
    # Declined is an answer: the link cannot be used to join afterwards.
    assert client.post(reverse("hubs:invitation", args=[invitation.token]), {"answer": "accept"}).status_code == 410
    assert not SpokeMembership.objects.exists()
    members = manager_client.get(manage_url(hub, "members")).content.decode()
    assert "Declined" in members and clinician.email in members


def test_the_hub_lists_every_invitation_with_its_state(manager_client, hub, spoke, clinician):
    factories.UserFactory(email="accepted@example.org")
    make_invitation(spoke, "pending@example.org")
    make_invitation(spoke, "expired@example.org", days_left=-1)
    accepted = make_invitation(spoke, "accepted@example.org")
    from django.utils import timezone

    SpokeInvitation.objects.filter(pk=accepted.pk).update(used_at=timezone.now())

    page = manager_client.get(manage_url(hub, "members")).content.decode()

    for email, state in [
        ("pending@example.org", "Waiting for an answer"),
        ("expired@example.org", "Expired"),
        ("accepted@example.org", "Accepted"),
    ]:
        row = re.search(rf"<tr>\s*<th scope=\"row\">{re.escape(email)}</th>(.*?)</tr>", page, re.S).group(1)
        assert state in row, email
        assert ("Withdraw" in row) == (state == "Waiting for an answer"), email


def test_a_hub_sends_at_most_its_daily_number_of_invitations(manager_client, hub, spoke, settings, enable_cache):
    settings.HUB_INVITATIONS_PER_DAY = 3
    for number in range(3):
        response = manager_client.post(
            manage_url(hub, "invite"), {"spoke": spoke.pk, "email": f"person{number}@example.org", "language": "en"}
        )
        assert response.status_code == 302, number

    refused = manager_client.post(
        manage_url(hub, "invite"), {"spoke": spoke.pk, "email": "person9@example.org", "language": "en"}
    )

    assert refused.status_code == 200
    assert "Your hub has sent 3 invitations in the last day, the most allowed." in refused.content.decode()
    assert not SpokeInvitation.objects.filter(email="person9@example.org").exists()
