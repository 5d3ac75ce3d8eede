"""The hub dashboard shows the credits its spokes' members earned, and only theirs."""

import pytest

from certificates import services
from tests import factories
from tests.hubs.conftest import manage_url

pytestmark = pytest.mark.django_db


def test_dashboard_shows_credits_earned_by_members_only(manager_client, hub, member, outsider):
    series = factories.SeriesFactory(hub=hub, title="Long-Term Care Community of Practice", credits_per_hour=1)
    for days in (-30, -20):
        session = factories.SessionFactory(series=series, days_from_now=days)
        factories.RegistrationFactory(user=member, session=session, attended_minutes=60)
        factories.RegistrationFactory(user=outsider, session=session, attended_minutes=60)
    services.issue_for_series(series=series)

    response = manager_client.get(manage_url(hub, "dashboard"))

    credits = response.context["credits"]
    assert credits["totals"] == {"people": 1, "documents": 1, "credits": 2}
    page = " ".join(response.content.decode().split())
    assert "Credits earned by your members" in page
    assert '<th scope="row">Long-Term Care Community of Practice</th><td>1</td><td>1</td><td>2</td>' in page
