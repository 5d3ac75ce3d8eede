"""The reviewers' queue of requests to join a series by approval, in the hub portal.

Bob manages Northern Lakes, whose series "Rounds" registers by approval; Alice (a member of its spoke) and two
others asked to join. Dana manages Prairie Coast, whose series "Coastal Rounds" has Erin's request: neither
manager ever sees or decides the other's. Fay facilitates Northern Lakes: she sees the queue, never decides.
"""

import pytest

from enrollment.models import Enrollment, JoinRequest
from enrollment.services import ask_to_join
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.notifications.content_support import deliver_queued

from .conftest import manage_url

pytestmark = pytest.mark.django_db


def _delivered():
    """The outbox once delivered: emails are rendered at delivery, as the worker does after commit."""
    deliver_queued()
    return OutboundEmail.objects.all()


def _approval_series(hub, title, **fields):
    series = factories.SeriesFactory(hub=hub, title=title, registration_mode=Series.RegistrationMode.APPROVAL, **fields)
    factories.SessionFactory(series=series, days_from_now=10)
    return series


@pytest.fixture
def rounds(hub):
    return _approval_series(hub, "Northern Rounds", capacity=2)


@pytest.fixture
def coastal_request(other_hub, other_member):
    series = _approval_series(other_hub, "Coastal Rounds")
    return ask_to_join(user=other_member, series=series, note="Coastal note", consent=True)


@pytest.fixture
def requests(rounds, member):
    member.organisation = "Lakeside LTC"
    member.save()
    people = [member, factories.UserFactory(email="gus@example.org"), factories.UserFactory(email="hana@example.org")]
    return [ask_to_join(user=person, series=rounds, note=f"note of {person.email}", consent=True) for person in people]


def test_the_manager_sees_who_asked_with_their_profile_and_note(manager_client, hub, requests, coastal_request):
    html = manager_client.get(manage_url(hub, "join_requests")).content.decode()

    assert "Alice Tremblay" in html and "alice@example.org" in html
    assert "Lakeside LTC" in html and "Lakeside Long-Term Care Home" in html  # organisation, and spoke here
    assert "note of gus@example.org" in html
    assert "2 places left of 2" in html
    assert "erin@example.org" not in html and "Coastal" not in html
    dashboard = manager_client.get(manage_url(hub, "dashboard")).content.decode()
    assert "3 people asked to join a series by approval." in dashboard


def test_approving_one_enrolls_and_emails_that_person(manager_client, hub, requests):
    alice_request = requests[0]

    response = manager_client.post(
        manage_url(hub, "join_requests_decide"), {"approve": alice_request.pk, "message": "See you Thursday"}
    )

    assert response.status_code == 302
    page = manager_client.get(response.url).content.decode()
    assert "1 person was enrolled and told by email." in page
    assert Enrollment.objects.get(user=alice_request.user).status == Enrollment.Status.ACTIVE
    assert JoinRequest.objects.get(pk=alice_request.pk).decided_by.email == "bob@example.org"
    (email,) = _delivered().filter(recipient="alice@example.org")
    assert "See you Thursday" in email.body_text


def test_bulk_approval_past_capacity_tells_how_many_were_enrolled_and_waitlisted(manager_client, hub, requests):
    response = manager_client.post(
        manage_url(hub, "join_requests_decide"),
        {"decision": "approve", "requests": [r.pk for r in requests], "message": ""},
        follow=True,
    )

    html = response.content.decode()
    assert "2 people were enrolled and told by email." in html
    assert "1 person was approved onto the waitlist, as the series is full, and told by email." in html
    assert Enrollment.objects.get(user__email="hana@example.org").status == Enrollment.Status.WAITLISTED
    assert "No one is waiting for a decision." in html


def test_bulk_decline_with_a_message(manager_client, hub, requests):
    response = manager_client.post(
        manage_url(hub, "join_requests_decide"),
        {"decision": "decline", "requests": [requests[1].pk, requests[2].pk], "message": "Full this year."},
        follow=True,
    )

    assert "2 requests were declined and each person told by email." in response.content.decode()
    emails = _delivered().order_by("recipient")
    assert [email.recipient for email in emails] == ["gus@example.org", "hana@example.org"]
    assert all("Full this year." in email.body_text for email in emails)


def test_nothing_ticked_or_a_message_too_long_changes_nothing(manager_client, hub, requests):
    nothing = manager_client.post(manage_url(hub, "join_requests_decide"), {"decision": "approve"}, follow=True)
    too_long = manager_client.post(
        manage_url(hub, "join_requests_decide"), {"approve": requests[0].pk, "message": "x" * 2001}
    )

    assert "Tick at least one request" in nothing.content.decode()
    assert too_long.status_code == 400
    assert "at most 2000 characters" in too_long.content.decode()
    assert not Enrollment.objects.exists() and not OutboundEmail.objects.exists()


def test_a_manager_of_another_hub_never_sees_nor_decides_these(
    client, other_hub_manager, hub, other_hub, requests, coastal_request
):
    client.force_login(other_hub_manager)

    own_queue = client.get(manage_url(other_hub, "join_requests")).content.decode()
    assert "Coastal note" in own_queue and "alice@example.org" not in own_queue
    assert client.get(manage_url(hub, "join_requests")).status_code == 404
    assert client.post(manage_url(hub, "join_requests_decide"), {"approve": requests[0].pk}).status_code == 404
    # Their own portal, with Northern Lakes' request ids: not found, nothing decided.
    response = client.post(manage_url(other_hub, "join_requests_decide"), {"approve": requests[0].pk})
    assert response.status_code == 404
    bulk = {"decision": "decline", "requests": [coastal_request.pk, requests[1].pk]}
    assert client.post(manage_url(other_hub, "join_requests_decide"), bulk).status_code == 404
    assert set(JoinRequest.objects.values_list("state", flat=True)) == {"pending"}
    assert client.get(manage_url(other_hub, "join_requests"), {"series": requests[0].series_id}).status_code == 404
    assert not OutboundEmail.objects.exists()


def test_a_facilitator_sees_the_queue_but_cannot_decide(client, facilitator, hub, requests):
    client.force_login(facilitator)

    html = client.get(manage_url(hub, "join_requests")).content.decode()

    assert "Alice Tremblay" in html and "Hub managers approve or decline these requests." in html
    assert "join_requests_decide" not in html and "Approve the ticked requests" not in html
    assert client.post(manage_url(hub, "join_requests_decide"), {"approve": requests[0].pk}).status_code == 404
    assert JoinRequest.objects.get(pk=requests[0].pk).state == "pending"
