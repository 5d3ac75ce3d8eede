"""The public hub pages: partners, their region or sector, their spokes and their programming."""

import pytest

from hubs.models import Hub, Spoke
from series.models import Series
from tests.factories import HubFactory, SeriesFactory, SessionFactory, SpokeFactory


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_hub_list_shows_region_spoke_count_and_kinds(client, hub):
    SpokeFactory(hub=hub, kind=Spoke.Kind.LONG_TERM_CARE)
    SpokeFactory(hub=hub, kind=Spoke.Kind.LONG_TERM_CARE)
    SpokeFactory(hub=hub, kind=Spoke.Kind.PARAMEDIC, name="Wheatland Paramedics")
    SpokeFactory(hub=hub, kind=Spoke.Kind.HOME_CARE, archived_at="2024-01-01T00:00Z")
    HubFactory(name="Retired Hub (demo)", is_active=False)
    SeriesFactory(hub=hub)

    page = _text(client.get("/hubs/"))

    assert "Northern Lakes Palliative Hub (demo)" in page
    assert "Northern Ontario" in page
    assert "3 spokes" in page and "1 program" in page
    assert "Long-term care home (2)" in page and "Paramedic service (1)" in page
    assert "Home care team" not in page
    assert "Retired Hub" not in page


@pytest.mark.django_db
def test_hub_page_shows_its_own_programming_only(client, hub, other_hub):
    ours = SeriesFactory(hub=hub, title="Northern LTC Community")
    SessionFactory(series=ours, days_from_now=5)
    SeriesFactory(hub=other_hub, title="Prairie Webinar")
    SeriesFactory(hub=hub, title="Draft idea", status=Series.Status.DRAFT)
    SpokeFactory(hub=hub, kind=Spoke.Kind.FAMILY_HEALTH_TEAM)

    page = _text(client.get(hub.get_absolute_url()))

    assert "<h1>Northern Lakes Palliative Hub (demo)</h1>" in page
    assert "Northern LTC Community" in page and "Registration open" in page
    assert "Prairie Webinar" not in page and "Draft idea" not in page
    assert "This hub serves 1 spoke." in page
    assert "Family health team / primary care: 1" in page
    assert f'href="/hubs/{hub.slug}/join/"' in page


@pytest.mark.django_db
def test_inactive_and_unknown_hubs_are_not_found(client):
    retired = HubFactory(is_active=False, kind=Hub.Kind.SECTOR)

    assert client.get(retired.get_absolute_url()).status_code == 404
    assert client.get("/hubs/nowhere/").status_code == 404


@pytest.mark.django_db
def test_hub_page_in_french(client, hub):
    series = SeriesFactory(hub=hub)
    SessionFactory(series=series, days_from_now=5)

    page = _text(client.get(hub.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr"))

    assert '<html lang="fr">' in page
    assert "Prochaine séance :" in page
    assert "Inscription ouverte" in page
