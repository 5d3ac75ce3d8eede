"""Hub staff invite a list to a series by invitation only from the hub portal: checked first, sent on confirming,
followed per person and exported; only their own hub's series and lists.

Bob manages Northern Lakes; Fay is its facilitator (she looks, she does not send); Dana manages Prairie Coast.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from enrollment.models import SeriesInvitation
from notifications.models import OutboundEmail
from series.models import Series
from tests import factories
from tests.hubs.conftest import manage_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(hub):
    return factories.SeriesFactory(
        hub=hub, title="Pediatric Palliative Care Circle", registration_mode=Series.RegistrationMode.INVITATION
    )


def _page(hub, series):
    return manage_url(hub, "series_invitations", series.pk)


def test_the_preview_reports_every_problem_and_sends_nothing(manager_client, hub, private):
    SeriesInvitation.objects.create(series=private, email="earlier@example.org")
    text = "nadia@example.org, Nadia Roy\nnot-an-address\nNADIA@example.org\nearlier@example.org\nomar@example.org"

    response = manager_client.post(_page(hub, private), {"addresses": text})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 people will be invited." in html
    assert "Line 2 (“not-an-address”): No email address on this line." in html
    assert "Already on line 1 of this list." in html
    assert "Already invited" in html
    assert "Send 2 invitations" in html
    assert not OutboundEmail.objects.exists()
    assert SeriesInvitation.objects.count() == 1


def test_confirming_queues_one_email_per_new_address(manager_client, hub, private, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile(
        "list.csv", b"email,name,language\r\nnadia@example.org,Nadia Roy,fr\r\nomar@example.org,,\r\n"
    )
    preview = manager_client.post(_page(hub, private), {"addresses": "", "file": upload})
    entries = preview.context["confirm_form"].initial["entries"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = manager_client.post(_page(hub, private), {"entries": entries}, follow=True)

    assert "2 invitations are on their way." in sent.content.decode()
    assert sorted(OutboundEmail.objects.filter(kind="invitation").values_list("recipient", "language")) == [
        ("nadia@example.org", "fr"),
        ("omar@example.org", "en"),
    ]
    # Sending the same confirmation twice (back button, double click) invites nobody twice.
    manager_client.post(_page(hub, private), {"entries": entries})
    assert OutboundEmail.objects.filter(kind="invitation").count() == 2
    html = manager_client.get(_page(hub, private)).content.decode()
    assert "nadia@example.org" in html and "Nadia Roy" in html and "Sent" in html


def test_an_empty_or_unreadable_upload_is_explained(manager_client, hub, private):
    empty = manager_client.post(_page(hub, private), {"addresses": "  "})
    assert "Paste at least one address, or choose a CSV file." in empty.content.decode()
    binary = SimpleUploadedFile("list.xlsx", b"\x81\x8d\x8f\x90\x9d" * 10)
    unreadable = manager_client.post(_page(hub, private), {"file": binary})
    assert unreadable.status_code == 200
    assert not SeriesInvitation.objects.exists()


def test_states_are_shown_and_exported(manager_client, hub, private, clinician):
    now = timezone.now()
    SeriesInvitation.objects.create(series=private, email="sent@example.org", sent_at=now, times_sent=1)
    SeriesInvitation.objects.create(series=private, email="opened@example.org", sent_at=now, opened_at=now)
    SeriesInvitation.objects.create(
        series=private, email="alice.work@example.org", sent_at=now, joined_at=now, user=clinician
    )
    SeriesInvitation.objects.create(series=private, email="no@example.org", sent_at=now, declined_at=now)
    SeriesInvitation.objects.create(series=private, email="gone@example.org", sent_at=now, bounced_at=now)

    html = manager_client.get(_page(hub, private)).content.decode()
    assert "answered as alice@example.org" in html
    for label in ("Sent", "Opened the link", "Joined", "Declined", "Address refused (bounced)"):
        assert label in html

    response = manager_client.get(manage_url(hub, "series_invitations_export", private.pk))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    states = {row[0]: row[2] for row in rows[1:]}
    assert states == {
        "sent@example.org": "Sent",
        "opened@example.org": "Opened the link",
        "alice.work@example.org": "Joined",
        "no@example.org": "Declined",
        "gone@example.org": "Address refused (bounced)",
    }
    assert next(row for row in rows if row[0] == "alice.work@example.org")[-1] == "alice@example.org"


def test_send_again_is_for_managers_and_reaches_those_who_have_not_answered(manager_client, hub, private, facilitator):
    now = timezone.now()
    SeriesInvitation.objects.create(series=private, email="waiting@example.org", sent_at=now, times_sent=1)
    SeriesInvitation.objects.create(series=private, email="no@example.org", sent_at=now, declined_at=now)
    url = manage_url(hub, "series_invitations_resend", private.pk)

    client = Client()
    client.force_login(facilitator)
    assert client.post(url).status_code == 404
    assert client.get(_page(hub, private)).status_code == 200  # she may look
    assert client.post(_page(hub, private), {"addresses": "x@example.org"}).status_code == 404

    response = manager_client.post(url, follow=True)
    assert "sent again to 1 person" in response.content.decode()
    assert list(OutboundEmail.objects.values_list("recipient", flat=True)) == ["waiting@example.org"]


def test_the_lists_of_another_hub_are_never_shown(manager_client, hub, other_hub, private):
    theirs = factories.SeriesFactory(
        hub=other_hub, title="Coastal Private Circle", registration_mode=Series.RegistrationMode.INVITATION
    )
    SeriesInvitation.objects.create(series=theirs, email="erin.private@example.org")
    SeriesInvitation.objects.create(series=private, email="mine@example.org")

    listing = manager_client.get(manage_url(hub, "invitation_series")).content.decode()
    assert "Pediatric Palliative Care Circle" in listing and "Coastal Private Circle" not in listing
    assert manager_client.get(manage_url(hub, "series_invitations", theirs.pk)).status_code == 404
    assert manager_client.get(manage_url(hub, "series_invitations_export", theirs.pk)).status_code == 404
    manager_client.post(manage_url(hub, "series_invitations", theirs.pk), {"entries": "x@example.org,,"})
    assert not SeriesInvitation.objects.filter(email="x@example.org").exists()
    export = manager_client.get(manage_url(hub, "series_invitations_export", private.pk))
    assert b"erin.private" not in b"".join(export.streaming_content)
