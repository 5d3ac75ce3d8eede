"""My learning: credits by body and Mainpro+ credit year, the Mainpro+ summary page and CSV, past attendance."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse

from enrollment.credits import credit_summary, learner_series_credits
from series.models import Accreditation
from tests import factories

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/Toronto")


def _session(series, day: dt.date, title: str):
    starts = dt.datetime.combine(day, dt.time(12), tzinfo=EASTERN)
    return factories.SessionFactory(
        series=series, title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )


@pytest.fixture
def across_june(hub, clinician):
    """Three sessions attended before June 30, 2026 and two after, Mainpro+ capped at 4 and Royal College uncapped."""
    series = factories.SeriesFactory(hub=hub, title="Palliative Care in Long-Term Care")
    factories.AccreditationFactory(series=series, maximum=Decimal("4"))
    factories.AccreditationFactory(
        series=series, body=Accreditation.Body.ROYAL_COLLEGE, credit_type_en="Section 1", maximum=None, position=1
    )
    days = [dt.date(2026, 4, 9), dt.date(2026, 5, 14), dt.date(2026, 6, 30), dt.date(2026, 7, 1), dt.date(2026, 9, 10)]
    for n, day in enumerate(days):
        factories.RegistrationFactory(
            user=clinician, session=_session(series, day, f"Session {n + 1}"), attended_minutes=60
        )
    return series


def test_credits_split_across_june_30_and_the_cap_falls_on_the_later_year(clinician, across_june):
    summary = credit_summary(learner_series_credits(user=clinician))

    years = {(year.body_label, year.year_starts.year): year.credits for year in summary.years}
    assert years[("Mainpro+", 2025)] == Decimal("3.00")
    assert years[("Mainpro+", 2026)] == Decimal("1.00")  # capped at 4 in all
    assert years[("Royal College MOC", 2025)] == Decimal("3.00")
    assert years[("Royal College MOC", 2026)] == Decimal("2.00")
    assert dict(summary.by_body) == {"Mainpro+": Decimal("4.00"), "Royal College MOC": Decimal("5.00")}
    current = summary.current_mainpro_year(today=dt.date(2026, 12, 1))
    assert (current.credits, current.annual_minimum) == (Decimal("1.00"), Decimal("25"))
    assert current.year_starts == dt.date(2026, 7, 1) and current.year_ends == dt.date(2027, 6, 30)


def test_the_mainpro_page_lists_each_activity_per_credit_year_with_the_claim_fields(client, clinician, across_june):
    client.force_login(clinician)

    page = client.get(reverse("enrollment:mainpro_summary")).content.decode()

    assert page.count('<h2 id="activity-') == 2
    assert "Palliative Care in Long-Term Care" in page
    assert "Group Learning" in page and "Certified" in page and "Live, online" in page
    assert "April 9, 2026 – June 30, 2026" in page and "July 1, 2026 – September 10, 2026" in page


def test_the_mainpro_csv_has_one_row_per_activity_and_year(client, clinician, across_june):
    client.force_login(clinician)

    response = client.get(reverse("enrollment:mainpro_csv"))

    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Activity title,Provider,Category,Certification type,Delivery method")
    assert len(lines) == 3
    assert "2026-07-01,2026-09-10,1.00" in lines[1] and "2026-04-09,2026-06-30,3.00" in lines[2]


def test_my_learning_shows_credits_by_body_and_year_and_the_past_sessions_states(client, clinician, across_june, hub):
    other = factories.SeriesFactory(hub=hub, title="Journal Club", credits_per_hour=1)
    factories.RegistrationFactory(
        user=clinician,
        session=factories.SessionFactory(series=other, title="Missed one", days_from_now=-3),
        attended_minutes=0,
    )
    factories.RegistrationFactory(
        user=clinician,
        session=factories.SessionFactory(series=other, title="Short one", days_from_now=-4),
        attended_minutes=20,
    )
    factories.RegistrationFactory(
        user=clinician, session=factories.SessionFactory(series=other, title="Unrecorded", days_from_now=-1)
    )
    client.force_login(clinician)

    page = " ".join(client.get(reverse("enrollment:my_learning")).content.decode().split())

    assert "Credits by accrediting body" in page
    assert "Mainpro+, all years" in page and "Royal College MOC, all years" in page
    assert reverse("enrollment:mainpro_summary") in page
    assert "Missed" in page
    assert (
        "Attended 20 minutes, but a session counts only when you attend at least 75% of a session: "
        "no credits for this one"
    ) in page
    assert "Attendance not recorded yet" in page


def test_a_learner_sees_only_their_own_summary(client, clinician, outsider, across_june):
    client.force_login(outsider)

    page = client.get(reverse("enrollment:mainpro_summary")).content.decode()

    assert "Palliative Care in Long-Term Care" not in page
    assert "No Mainpro+ credits are recorded for you yet" in page
    assert client.get(reverse("enrollment:mainpro_csv")).status_code == 200
    client.logout()
    assert client.get(reverse("enrollment:mainpro_summary")).status_code == 302
