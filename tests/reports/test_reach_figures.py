"""The reach figures on a hand-built data set match the numbers computed by hand, with the privacy rule applied.

The period is April–September 2026 (fy2026-h1), in Eastern Time. Ten clinicians attend the first session,
on April 1 at noon; two of them also attend one at 11:30 pm on September 30 (October 1 in UTC, still in
the period). Outside it: a session at 11:30 pm on March 31 (Alice's first ever, so she is not new), one
at 12:30 am on October 1, a cancelled one, and registrations with 0 or no minutes. Hand-computed:
12 participations, 10 participants, 2 sessions, 9 new, 5 of 10 rural (50 %).
"""

import pytest

from reports import periods
from reports.reach import headline, reach
from sessions.models import Session
from tests import factories
from tests.reports.support import at, attend, session_at

H1 = periods.preset("fy2026-h1").period


@pytest.fixture
def programme(hub, other_hub):
    people = [
        factories.UserFactory(
            first_name=f"P{n}",
            rural_remote=n < 5,
            profession="physician" if n == 9 else "registered_nurse",
            province="QC" if n == 8 else "ON",
        )
        for n in range(10)
    ]
    lakeside = factories.SpokeFactory(hub=hub, name="Lakeside LTC")
    tiny = factories.SpokeFactory(hub=hub, name="Tiny Team")
    for person in people[:6]:
        factories.SpokeMembershipFactory(spoke=lakeside, user=person)
    factories.SpokeMembershipFactory(spoke=tiny, user=people[6])
    ltc = factories.SeriesFactory(hub=hub, title="LTC CoP", language="en")
    french = factories.SeriesFactory(hub=other_hub, title="CdP francophone", language="fr")

    first = session_at(ltc, at(2026, 4, 1, 12))
    attend(first, *people)
    factories.RegistrationFactory(session=first, attended_minutes=0)
    factories.RegistrationFactory(session=first, attended_minutes=None)
    attend(session_at(ltc, at(2026, 9, 30, 23, 30)), people[0], people[1])
    attend(session_at(ltc, at(2026, 3, 31, 23, 30)), people[0])
    attend(session_at(french, at(2026, 10, 1, 0, 30)), people[2])
    attend(session_at(french, at(2026, 5, 5, 12), status=Session.Status.CANCELLED), people[3])
    return people


def _rows(table):
    return [(row.label, None if row.suppressed else (row.participations, row.participants)) for row in table.rows]


@pytest.mark.django_db
def test_totals_and_headline_match_the_hand_computed_figures(programme):
    figures = reach(period=H1)

    totals = figures.totals
    assert (totals.participations, totals.participants, totals.sessions) == (12, 10, 2)
    assert (totals.new_participants, totals.rural_participants, totals.rural_percent) == (9, 5, 50)
    assert headline(totals) == (
        "12 participations across 2 sessions; 50 % of participants practise in rural or remote communities."
    )


@pytest.mark.django_db
def test_breakdowns_match_and_cells_under_five_people_are_suppressed(programme):
    figures = reach(period=H1)

    assert _rows(figures.table("profession")) == [("Registered nurse", (11, 9)), ("Physician", None)]
    assert _rows(figures.table("province")) == [("Ontario", (11, 9)), ("Quebec", None)]
    assert _rows(figures.table("rural")) == [("Rural or remote", (7, 5)), ("Urban or not said", (5, 5))]
    assert _rows(figures.table("setting")) == [("Long-term care", (12, 10))]
    assert _rows(figures.table("spoke")) == [
        ("Lakeside LTC (Northern Lakes Palliative Hub (demo))", (8, 6)),
        ("Tiny Team (Northern Lakes Palliative Hub (demo))", None),
    ]
    assert _rows(figures.table("hub")) == [("Northern Lakes Palliative Hub (demo)", (12, 10))]
    assert _rows(figures.table("language")) == [("English", (12, 10))]
    assert _rows(figures.table("series")) == [("LTC CoP", (12, 10))]


@pytest.mark.django_db
def test_the_monthly_trend_has_every_month_of_the_period(programme):
    trend = reach(period=H1).trend

    assert [(month.month.month, month.participations, month.participants) for month in trend] == [
        (4, 10, 10),
        (5, 0, 0),
        (6, 0, 0),
        (7, 0, 0),
        (8, 0, 0),
        (9, 2, 2),
    ]


@pytest.mark.django_db
def test_a_hub_sees_only_its_spoke_members(programme, hub):
    figures = reach(period=H1, hub=hub)

    # Members: the six of Lakeside and the one of Tiny Team; P0 and P1 attended twice.
    assert (figures.totals.participations, figures.totals.participants) == (9, 7)
    assert _rows(figures.table("spoke")) == [("Lakeside LTC", (8, 6)), ("Tiny Team", None)]


@pytest.mark.django_db
def test_french_headline_groups_thousands_and_says_it_in_french(settings):
    from django.utils import translation

    from reports.reach import Totals

    with translation.override("fr"):
        text = headline(
            Totals(participations=17467, participants=900, sessions=301, new_participants=1, rural_participants=279)
        )
    assert text.replace("\xa0", " ").replace("\u202f", " ").startswith("17 467 participations dans 301 séances")
    assert "31 % des participants" in text


@pytest.mark.django_db
def test_an_empty_period_says_so():
    figures = reach(period=H1)
    assert headline(figures.totals) == "No participation was recorded in this period."
    assert all(not table.rows for table in figures.tables)


@pytest.mark.django_db
def test_attendance_counts_by_the_series_rule_as_certificates_do(hub):
    from enrollment.attended import attended_q
    from enrollment.models import Registration

    strict = factories.SeriesFactory(hub=hub, attendance_minimum_percent=75, attendance_minimum_minutes=40)
    session = session_at(strict, at(2026, 5, 5, 12))  # one hour
    minutes = {"short": 30, "enough_share_too_few": None, "exact": 45, "full": 60}
    rows = {
        name: factories.RegistrationFactory(session=session, attended_minutes=value) for name, value in minutes.items()
    }
    counted = set(Registration.objects.filter(attended_q()).values_list("pk", flat=True))

    assert counted == {rows["exact"].pk, rows["full"].pk}
    for registration in Registration.objects.select_related("session__series"):
        assert registration.counts_as_attended == (registration.pk in counted)
    assert reach(period=H1).totals.participations == 2
