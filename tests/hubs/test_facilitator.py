"""Facilitators see their hub's dashboard, members and export, and change nothing."""

import pytest

from hubs.models import Spoke, SpokeInvitation, SpokeMembership
from tests import factories
from tests.hubs.conftest import make_invitation, manage_url, requested


@pytest.fixture
def facilitator_client(client, facilitator):
    client.force_login(facilitator)
    return client


def test_facilitator_sees_dashboard_members_member_detail_and_export(facilitator_client, hub, member):
    factories.RegistrationFactory(user=member)
    for page in [manage_url(hub, "dashboard"), manage_url(hub, "members"), manage_url(hub, "member_detail", member.pk)]:
        response = facilitator_client.get(page)
        assert response.status_code == 200
        assert "alice@example.org" in response.content.decode() or "Lakeside" in response.content.decode()
    assert facilitator_client.get(manage_url(hub, "export")).status_code == 200


def test_facilitator_is_not_offered_manager_actions(facilitator_client, hub, spoke, member, outsider):
    requested(spoke, outsider)
    html = facilitator_client.get(manage_url(hub, "members")).content.decode()
    assert "Requests to join" not in html
    assert "charlie@example.org" not in html  # a pending request is a manager's business
    assert "Remove" not in html
    assert "Invite someone" not in facilitator_client.get(manage_url(hub, "dashboard")).content.decode()


def test_facilitator_cannot_change_anything(facilitator_client, hub, spoke, member, outsider):
    pending = requested(spoke, outsider)
    active = SpokeMembership.objects.get(user=member)
    invitation = make_invitation(spoke, "new@example.org")
    forbidden = [
        manage_url(hub, "spokes"),
        manage_url(hub, "spoke_create"),
        manage_url(hub, "spoke_edit", spoke.pk),
        manage_url(hub, "spoke_archive", spoke.pk),
        manage_url(hub, "spoke_unarchive", spoke.pk),
        manage_url(hub, "membership_approve", pending.pk),
        manage_url(hub, "membership_decline", pending.pk),
        manage_url(hub, "membership_remove", active.pk),
        manage_url(hub, "invite"),
        manage_url(hub, "invitation_revoke", invitation.pk),
    ]
    for url in forbidden:
        assert facilitator_client.get(url).status_code == 404, url
        assert facilitator_client.post(url, {"name": "X", "kind": "other", "email": "y@example.org"}).status_code == 404
    assert Spoke.objects.get().archived_at is None
    assert SpokeMembership.objects.filter(pk__in=[pending.pk, active.pk]).count() == 2
    assert SpokeInvitation.objects.filter(pk=invitation.pk).exists()
    assert SpokeInvitation.objects.count() == 1
