"""The hub dashboard: spokes with member counts, members' participation over a period, own programming."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrollment.models import Registration
from tests import factories
from tests.hubs.conftest import manage_url


@pytest.fixture
def activity(hub, spoke, member):
    """Alice (a nurse in Lakeside LTC) registered for two sessions of the LTC CoP and attended one."""
    series = factories.SeriesFactory(hub=hub, title="Long-Term Care Community of Practice")
    held = factories.SessionFactory(series=series, title="Advance Care Planning", days_from_now=-20)
    upcoming = factories.SessionFactory(series=series, title="Honouring Personhood in Dementia Care")
    factories.RegistrationFactory(user=member, session=held, attended_minutes=55)
    factories.RegistrationFactory(user=member, session=upcoming)
    paramedic_spoke = factories.SpokeFactory(hub=hub, name="North Bay Paramedic Service", kind="paramedic")
    paramedic = factories.UserFactory(email="pat@example.org", profession="paramedic")
    factories.SpokeMembershipFactory(spoke=paramedic_spoke, user=paramedic)
    factories.RegistrationFactory(user=paramedic, session=upcoming, status=Registration.Status.WAITLISTED)
    return series


def test_dashboard_shows_spokes_participation_and_programming(manager_client, hub, activity):
    response = manager_client.get(manage_url(hub, "dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lakeside Long-Term Care Home" in html
    assert "North Bay Paramedic Service" in html
    assert "Long-Term Care Community of Practice" in html
    assert "Honouring Personhood in Dementia Care" in html  # upcoming programming of this hub
    summary = response.context["summary"]
    assert summary["totals"] == {"people": 2, "registered": 2, "waitlisted": 1, "attended": 1}
    by_profession = {row["label"]: row["registered"] for row in summary["by_profession"]}
    assert by_profession == {"Registered nurse": 2, "Paramedic": 0}
    by_setting = {str(row["label"]): (row["registered"], row["attended"]) for row in summary["by_setting"]}
    assert by_setting == {"Long-term care home": (2, 1), "Paramedic service": (0, 0)}
    counts = {spoke.name: spoke.member_count for spoke in response.context["spokes"]}
    assert counts == {"Lakeside Long-Term Care Home": 1, "North Bay Paramedic Service": 1}


def test_the_period_filters_registrations_by_when_they_were_made(manager_client, hub, member, activity):
    Registration.objects.filter(user=member).update(registered_at=timezone.now() - dt.timedelta(days=400))
    response = manager_client.get(manage_url(hub, "dashboard"))
    assert response.context["summary"]["totals"]["registered"] == 0

    today = timezone.localdate()
    long_ago = (today - dt.timedelta(days=500)).isoformat()
    response = manager_client.get(manage_url(hub, "dashboard"), {"from": long_ago, "to": today.isoformat()})
    assert response.context["summary"]["totals"]["registered"] == 2


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2026-13-45"}, "Write the date like December 2, "),
        ({"from": "2026-05-01", "to": "2026-01-01"}, "The end of the period must not be before its start."),
        ({"from": "1990-01-01", "to": "2026-01-01"}, "Choose a period of at most ten years."),
        ({"to": "'; drop table"}, "Write the date like December 2, "),
    ],
)
def test_a_bad_period_explains_itself_and_shows_the_default(manager_client, hub, activity, params, message):
    response = manager_client.get(manage_url(hub, "dashboard"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["summary"]["totals"]["registered"] == 2  # the last twelve months


def test_a_bad_export_period_goes_back_to_the_dashboard_with_the_error(manager_client, hub, activity):
    response = manager_client.get(manage_url(hub, "export"), {"from": "yesterday"}, follow=True)
    assert response.status_code == 200
    assert "The export period is not valid" in response.content.decode()
    assert "Write the date like December 2, " in response.content.decode()


def test_dashboard_takes_a_fixed_number_of_queries(manager_client, hub, activity):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(manage_url(hub, "dashboard")).status_code == 200
        return len(queries)

    count()  # the first page reads Bob and the hubs he has a role in (the header's "Manage <hub>" links) into the cache
    # (the session, Bob and the header's hubs come from the cache) 1 hub with the viewer's role, 2 spokes
    # with member and request counts, 3 totals, 4 by series, 5 by profession, 6 by setting of care,
    # 7 credits totals, 8 credits by series, 9 the hub's upcoming sessions, 10 the requests waiting to join
    # the hub's series by approval.
    assert count() == 10
    for n in range(5):
        extra_spoke = factories.SpokeFactory(hub=hub)
        person = factories.UserFactory()
        factories.SpokeMembershipFactory(spoke=extra_spoke, user=person)
        factories.RegistrationFactory(user=person, session=factories.SessionFactory(series=activity))
        factories.SessionFactory(series=factories.SeriesFactory(hub=hub), title=f"Extra {n}")
    assert count() == 10


def test_archived_spokes_leave_the_dashboard_list_but_keep_their_history(manager_client, hub, spoke, activity):
    spoke.archived_at = timezone.now()
    spoke.save()
    response = manager_client.get(manage_url(hub, "dashboard"))
    assert spoke not in response.context["active_spokes"]
    assert response.context["summary"]["totals"]["registered"] == 2


def test_the_french_dashboard_writes_apostrophes_as_the_catalogue_does(manager_client, hub, hub_manager, activity):
    hub_manager.preferred_language = "fr"
    hub_manager.save()

    html = manager_client.get(manage_url(hub, "dashboard")).content.decode()

    assert "Sur une liste d’attente" in html and "Sur une liste d'attente" not in html
