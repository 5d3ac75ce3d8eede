"""The national reach dashboard and the printable report pass axe-core's WCAG 2.1 AA rules, in both languages."""

import pytest

from tests import factories
from tests.e2e.axe import violations
from tests.reports.support import at, attend, session_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reach_pages_meet_wcag_21_aa(page, sign_in, staff, hub, language):
    staff.preferred_language = language
    staff.save()
    series = factories.SeriesFactory(hub=hub)
    session = session_at(series, at(2026, 5, 5, 12))
    attend(session, *[factories.UserFactory() for _ in range(6)])
    sign_in(staff)

    for url in ["/staff/reach/?period=fy2026-h1", "/staff/reach/report/?period=fy2026-h1"]:
        page.goto(url)
        assert page.get_attribute("html", "lang") == language
        assert not violations(page), url
    assert not page.console_problems
