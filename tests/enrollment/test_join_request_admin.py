"""Requests to join in Django admin: programme staff and hub managers approve or decline the selected ones, with a
message, and are told how many were enrolled, waitlisted or declined. A hub manager sees only their hubs' requests.

Bob manages Northern Lakes (series "Rounds", capacity 1); Dana manages Prairie Coast ("Coastal Rounds").
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from enrollment.models import Enrollment, JoinRequest
from enrollment.services import ask_to_join
from hubs import services as hub_services
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.content_support import deliver_queued

pytestmark = pytest.mark.django_db


def _delivered():
    """The outbox once delivered: emails are rendered at delivery, as the worker does after commit."""
    deliver_queued()
    return OutboundEmail.objects.all()


CHANGELIST = "/admin/enrollment/joinrequest/"


def _series(hub, title, **fields):
    series = factories.SeriesFactory(hub=hub, title=title, registration_mode=Series.RegistrationMode.APPROVAL, **fields)
    factories.SessionFactory(series=series, days_from_now=10)
    return series


@pytest.fixture
def ours(hub):
    series = _series(hub, "Rounds", capacity=1)
    people = [
        factories.UserFactory(email="gus@example.org", first_name="Gus", organisation="Pine Ridge LTC"),
        factories.UserFactory(email="hana@example.org", first_name="Hana"),
    ]
    return [ask_to_join(user=person, series=series, note="please", consent=True) for person in people]


@pytest.fixture
def theirs(other_hub):
    series = _series(other_hub, "Coastal Rounds")
    return ask_to_join(user=factories.UserFactory(email="erin@example.org"), series=series, consent=True)


def _act(client, action, requests, **data):
    return client.post(
        CHANGELIST, {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in requests], **data}, follow=True
    )


def test_staff_approve_the_selected_with_a_message_and_learn_who_was_waitlisted(client, staff, ours):
    client.force_login(staff)

    form_page = _act(client, "approve_selected", ours)
    done = _act(client, "approve_selected", ours, apply="1", message="Welcome!")

    assert "Approve 2 requests to join" in form_page.content.decode()
    html = done.content.decode()
    assert "1 person was enrolled and told by email." in html
    assert "1 person was approved onto the waitlist, as the series is full, and told by email." in html
    assert [e.status for e in Enrollment.objects.order_by("user__email")] == ["active", "waitlisted"]
    assert all("Welcome!" in email.body_text for email in _delivered())


def test_the_list_shows_who_asked_and_the_decline_action_emails_them(client, staff, ours):
    client.force_login(staff)

    listing = client.get(CHANGELIST).content.decode()
    done = _act(client, "decline_selected", ours[:1], apply="1", message="")

    assert "gus@example.org" in listing and "Pine Ridge LTC" in listing and "please" in listing
    assert "1 request was declined and the person told by email." in done.content.decode()
    assert JoinRequest.objects.get(pk=ours[0].pk).state == JoinRequest.State.DECLINED
    assert _delivered().get().recipient == "gus@example.org"


def test_a_message_too_long_is_refused_and_nothing_changes(client, staff, ours):
    client.force_login(staff)

    response = _act(client, "approve_selected", ours, apply="1", message="x" * 2001)

    assert "at most 2000 characters" in response.content.decode()
    assert not Enrollment.objects.exists() and not OutboundEmail.objects.exists()


def test_a_hub_manager_sees_and_decides_only_their_hubs_requests(client, hub_manager, ours, theirs):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)

    listing = client.get(CHANGELIST).content.decode()
    assert "gus@example.org" in listing and "erin@example.org" not in listing
    assert client.get(f"{CHANGELIST}{theirs.pk}/change/").status_code == 404
    _act(client, "decline_selected", [theirs], apply="1")
    assert JoinRequest.objects.get(pk=theirs.pk).state == JoinRequest.State.PENDING
    done = _act(client, "approve_selected", ours[:1], apply="1")
    assert "1 person was enrolled and told by email." in done.content.decode()
