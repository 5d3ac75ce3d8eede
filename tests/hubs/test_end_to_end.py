"""Done when: a hub manager adds a long-term care home as a spoke, invites two clinicians who register for a
session, and sees them in the dashboard and export, while a manager of another hub sees none of it."""

import csv
import io
import re

from django.core import mail
from django.urls import reverse

from enrollment import services as enrollment_services
from series.models import Series
from tests import factories
from tests.hubs.conftest import manage_url


def _path_of_link(body: str) -> str:
    return "/" + re.search(r"https?://[^\s\"<>]+", body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_hub_manager_grows_a_spoke_and_sees_its_reach_while_another_hub_sees_nothing(
    client, hub, hub_manager, other_hub, other_hub_manager, clinician, password, django_capture_on_commit_callbacks
):
    series = factories.SeriesFactory(
        hub=hub, title="Long-Term Care Community of Practice", registration_mode=Series.RegistrationMode.KEY
    )
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    session = factories.SessionFactory(series=series, title="Honouring Personhood in Dementia Care")

    # Bob adds a long-term care home as a spoke.
    client.force_login(hub_manager)
    client.post(
        manage_url(hub, "spoke_create"),
        {"name": "Maple Grove Long-Term Care Home", "kind": "long_term_care", "province": "ON"},
    )
    spoke = hub.spokes.get(name="Maple Grove Long-Term Care Home")

    # He invites Nadia (new to the portal) and Alice (who has an account).
    for email in ["nadia.roy@example.org", "alice@example.org"]:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(manage_url(hub, "invite"), {"spoke": spoke.pk, "email": email, "language": "en"})
    invitations = {message.to[0]: _path_of_link(message.body) for message in mail.outbox}
    assert set(invitations) == {"nadia.roy@example.org", "alice@example.org"}
    client.logout()

    # Nadia opens her link, creates an account with that address, confirms it, then accepts: she is in the spoke.
    assert "Create an account" in client.get(invitations["nadia.roy@example.org"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "nadia.roy@example.org",
                "first_name": "Nadia",
                "last_name": "Roy",
                "profession": "psw",
                "province": "ON",
                "preferred_language": "en",
                "password1": "a-long-and-unusual-passphrase",
            },
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_path_of_link(mail.outbox[-1].body))
    assert not spoke.memberships.filter(user__email="nadia.roy@example.org").exists()  # not without her yes
    client.post(invitations["nadia.roy@example.org"], {"answer": "accept"})
    nadia = spoke.memberships.get(user__email="nadia.roy@example.org").user
    client.logout()

    # Alice signs in and accepts.
    client.post(reverse("account_login"), {"login": "alice@example.org", "password": password})
    client.post(invitations["alice@example.org"])
    assert spoke.memberships.filter(user=clinician, status="active").exists()
    client.logout()

    # Both enroll with the key and register for the session.
    for person in (nadia, clinician):
        enrollment_services.enroll(user=person, series=series, key="ltc2122")
        enrollment_services.register(user=person, sessions=[session], consent=True)

    # Bob sees them on the dashboard, the members page and in the export.
    client.force_login(hub_manager)
    dashboard = client.get(manage_url(hub, "dashboard"))
    assert dashboard.context["summary"]["totals"]["people"] == 2
    assert {spoke.name: spoke.member_count for spoke in dashboard.context["spokes"]} == {
        "Maple Grove Long-Term Care Home": 2
    }
    members = client.get(manage_url(hub, "members")).content.decode()
    assert "nadia.roy@example.org" in members and "alice@example.org" in members
    body = b"".join(client.get(manage_url(hub, "export")).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {(row["Email"], row["Session"], row["Key used"]) for row in rows} == {
        ("nadia.roy@example.org", "Honouring Personhood in Dementia Care", "LTC2122"),
        ("alice@example.org", "Honouring Personhood in Dementia Care", "LTC2122"),
    }
    client.logout()

    # Dana, who manages another hub, sees none of it: her own portal is empty and Bob's is a 404.
    client.force_login(other_hub_manager)
    her_dashboard = client.get(manage_url(other_hub, "dashboard"))
    assert her_dashboard.context["summary"]["totals"]["people"] == 0
    assert "Maple Grove" not in her_dashboard.content.decode()
    her_export = b"".join(client.get(manage_url(other_hub, "export")).streaming_content).decode("utf-8-sig")
    assert "nadia" not in her_export and "alice" not in her_export
    assert client.get(manage_url(hub, "dashboard")).status_code == 404
    assert client.get(manage_url(hub, "export")).status_code == 404
    assert client.get(manage_url(hub, "member_detail", nadia.pk)).status_code == 404
    assert client.get(manage_url(other_hub, "member_detail", nadia.pk)).status_code == 404
    assert client.get(manage_url(other_hub, "spoke_edit", spoke.pk)).status_code == 404
