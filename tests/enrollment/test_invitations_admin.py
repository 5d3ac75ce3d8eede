"""Invitations from Django admin: programme staff invite a list to any series by invitation only, a hub manager
with admin access only to their hub's; the list is checked before anything is sent, as in the hub portal.
"""

import pytest
from django.urls import reverse

from enrollment.models import SeriesInvitation
from hubs import services as hub_services
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db

INVITE = "admin:enrollment_seriesinvitation_invite"


@pytest.fixture
def private(hub):
    return factories.SeriesFactory(
        hub=hub, title="Pediatric Palliative Care Circle", registration_mode=Series.RegistrationMode.INVITATION
    )


@pytest.fixture
def theirs(other_hub):
    return factories.SeriesFactory(
        hub=other_hub, title="Coastal Private Circle", registration_mode=Series.RegistrationMode.INVITATION
    )


def test_staff_check_then_send_a_list_from_admin(client, staff, private, django_capture_on_commit_callbacks):
    client.force_login(staff)
    checked = client.post(reverse(INVITE), {"series": private.pk, "addresses": "a@example.org\nbad\na@example.org"})
    html = checked.content.decode()
    assert "1 person will be invited." in html and "No email address on this line." in html
    assert not SeriesInvitation.objects.exists()

    entries = checked.context["confirm_form"].initial["entries"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse(INVITE), {"series": private.pk, "entries": entries}, follow=True)
    assert "1 invitation is on its way." in sent.content.decode()
    assert list(OutboundEmail.objects.values_list("recipient", flat=True)) == ["a@example.org"]
    assert "a@example.org" in sent.content.decode()  # the changelist of that series' invitations


def test_a_hub_manager_in_admin_reaches_only_their_hubs_series(client, hub_manager, private, theirs):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    SeriesInvitation.objects.create(series=theirs, email="erin.private@example.org")
    SeriesInvitation.objects.create(series=private, email="mine@example.org")
    client.force_login(hub_manager)

    form = client.get(reverse(INVITE)).content.decode()
    assert "Pediatric Palliative Care Circle" in form and "Coastal Private Circle" not in form
    assert client.post(reverse(INVITE), {"series": theirs.pk, "entries": "x@example.org,,"}).status_code == 404
    assert not SeriesInvitation.objects.filter(email="x@example.org").exists()
    listing = client.get(reverse("admin:enrollment_seriesinvitation_changelist")).content.decode()
    assert "mine@example.org" in listing and "erin.private@example.org" not in listing


def test_sending_again_from_the_list_skips_those_who_answered(client, staff, private):
    waiting = SeriesInvitation.objects.create(series=private, email="waiting@example.org", times_sent=1)
    done = SeriesInvitation.objects.create(
        series=private, email="done@example.org", times_sent=1, joined_at="2026-01-01T00:00:00Z"
    )
    client.force_login(staff)
    client.post(
        reverse("admin:enrollment_seriesinvitation_changelist"),
        {"action": "send_again", "_selected_action": [waiting.pk, done.pk]},
    )
    assert list(OutboundEmail.objects.values_list("recipient", flat=True)) == ["waiting@example.org"]
