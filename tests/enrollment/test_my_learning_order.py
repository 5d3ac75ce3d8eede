"""My learning reads in the order a clinician needs it: the next session first, then the series, then past
sessions with their materials, then the calendar feed; and it announces nothing that does not exist."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_my_learning_puts_the_next_session_first_then_series_past_and_calendar(client, clinician):
    series = factories.SeriesFactory(title="LTC Community")
    soon = factories.SessionFactory(series=series, title="Goals of care", days_from_now=3)
    later = factories.SessionFactory(series=series, title="Grief and bereavement", days_from_now=30)
    held = factories.SessionFactory(series=series, title="Advance care planning", days_from_now=-10)
    factories.ResourceFactory(session=held, url="https://video.example.org/acp", title="Recording")
    factories.EnrollmentFactory(user=clinician, series=series)
    for session in (later, soon, held):
        factories.RegistrationFactory(user=clinician, session=session)
    client.force_login(clinician)

    page = client.get(reverse("enrollment:my_learning")).content.decode()
    order = [
        page.index('id="next-heading"'),
        page.index('id="upcoming-heading"'),
        page.index('id="series-heading"'),
        page.index('id="past-heading"'),
        page.index('id="calendar-feed-heading"'),
    ]

    assert order == sorted(order)
    next_box = page.split('id="next-heading"')[1].split("</section>")[0]
    assert "Goals of care" in next_box and "Grief and bereavement" not in next_box
    assert "https://video.example.org/acp" in page.split('id="past-heading"')[1]
    for announcement in ("will be available", "coming soon", "will appear here soon"):
        assert announcement not in page.lower()


def test_with_nothing_upcoming_it_says_so_and_offers_the_programs(client, clinician):
    client.force_login(clinician)

    page = client.get(reverse("enrollment:my_learning")).content.decode()

    assert "You have no upcoming session." in page and 'id="next-heading"' not in page
