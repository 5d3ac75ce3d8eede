"""The dashboard writes dates one way, in the viewer's language: the From/To fields and the sentence under
them agree; session times carry their zone (here and on a member's page)."""

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from core.formatting import format_day_month_year, format_session_when
from enrollment.participation import Period
from tests import factories
from tests.hubs.conftest import manage_url


def _field_value(html: str, name: str) -> str:
    return re.search(rf'<input type="text" name="{name}" value="([^"]*)"', html).group(1)


def _sentence(html: str) -> str:
    return re.search(r"Registrations made from (.+?) to (.+?), by|Inscriptions faites du (.+?) au (.+?) par", html)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_period_fields_and_the_sentence_write_the_dates_alike(manager_client, hub, hub_manager, language):
    hub_manager.preferred_language = language
    hub_manager.save()
    default = Period.last_twelve_months()
    with translation.override(language):
        start, end = format_day_month_year(default.start), format_day_month_year(default.end)

    html = manager_client.get(manage_url(hub, "dashboard")).content.decode()

    assert _field_value(html, "from") == start
    assert _field_value(html, "to") == end
    found = [group for group in _sentence(html).groups() if group]
    assert found == [start, end]
    assert "/" not in start  # never mm/dd/yyyy


def test_dates_typed_in_french_come_back_written_the_same_way(manager_client, hub, hub_manager):
    hub_manager.preferred_language = "fr"
    hub_manager.save()

    response = manager_client.get(manage_url(hub, "dashboard"), {"from": "1er déc. 2025", "to": "2026-02-03"})

    html = response.content.decode()
    assert response.context["period"] == Period(start=dt.date(2025, 12, 1), end=dt.date(2026, 2, 3))
    assert _field_value(html, "from") == "1er décembre 2025"
    assert _field_value(html, "to") == "3 février 2026"
    assert "Inscriptions faites du 1er décembre 2025 au 3 février 2026" in html
    # The export link carries the same period, unambiguously.
    assert "?from=2025-12-01&amp;to=2026-02-03" in html


def test_a_date_the_portal_cannot_read_says_how_to_write_it(manager_client, hub):
    html = manager_client.get(manage_url(hub, "dashboard"), {"from": "12/02/2025"}).content.decode()

    year = timezone.localdate().year
    assert f"Write the date like December 2, {year} or {year}-12-02." in html
    assert _field_value(html, "from") == "12/02/2025"  # what they typed stays, to correct it


def test_session_times_name_their_zone(manager_client, hub, spoke, member):
    series = factories.SeriesFactory(hub=hub, title="Long-Term Care Community of Practice")
    session = factories.SessionFactory(series=series, title="Honouring Personhood in Dementia Care")
    factories.RegistrationFactory(user=member, session=session)
    expected = format_session_when(session.starts_at, session.ends_at)
    assert expected.endswith((" ET", " ET)"))

    dashboard = manager_client.get(manage_url(hub, "dashboard")).content.decode()
    detail = manager_client.get(manage_url(hub, "member_detail", member.pk)).content.decode()

    assert expected in dashboard
    assert expected in detail
