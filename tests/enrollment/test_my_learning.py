"""My learning: upcoming sessions with join links, waitlist positions, past sessions with materials, series, credits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment import queries, services
from enrollment.models import Registration
from sessions.models import Resource
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ltc():
    return factories.SeriesFactory(
        title="Long-Term Care Community of Practice", credits_per_hour=Decimal("1"), max_credits=Decimal("2")
    )


def test_the_page_shows_each_part_of_the_learners_year(client, clinician, ltc):
    upcoming = factories.SessionFactory(
        series=ltc, title="Advance Care Planning", join_url="https://zoom.example.org/j/1"
    )
    full = factories.SessionFactory(series=ltc, title="Supporting New Team Members", capacity=1)
    factories.RegistrationFactory(session=full)
    factories.RegistrationFactory(
        session=full, status=Registration.Status.WAITLISTED, waitlisted_at=timezone.now() - dt.timedelta(hours=1)
    )
    past = factories.SessionFactory(series=ltc, title="Introductory Session", days_from_now=-7)
    factories.ResourceFactory(session=past, title="Recording of the introduction", url="https://video.example.org/1")
    factories.ResourceFactory(
        session=past,
        kind=Resource.Kind.SLIDES,
        title="Slides for registrants",
        url="https://files.example.org/slides.pdf",
        visibility=Resource.Visibility.REGISTRANTS,
    )
    factories.ResourceFactory(session=past, title="Not yet published", published_at=None)
    services.register(user=clinician, sessions=[upcoming, full], consent=True)
    factories.RegistrationFactory(user=clinician, session=past, attended_minutes=60)
    client.force_login(clinician)

    html = client.get(reverse("enrollment:my_learning")).content.decode()

    assert html.count("<h1") == 1
    assert "Advance Care Planning" in html and "https://zoom.example.org/j/1" in html
    assert "You are number 2 on the waitlist." in html
    assert "Recording of the introduction" in html and "Slides for registrants" in html
    assert "Not yet published" not in html
    assert "Long-Term Care Community of Practice" in html
    assert "Attended</span> 60 minutes in the session" in html  # the badge says it once, the words do not repeat it
    assert "Attendance, credits and certificates" in html
    assert "Have an enrollment key?" in html
    assert f'action="{reverse("enrollment:enroll_by_key")}"' in html


def test_credits_are_whole_sessions_attended_times_credits_per_hour_capped(clinician, ltc):
    for days, minutes in ((-40, 55), (-30, 50), (-20, 60), (-10, 40)):  # 40 minutes is short of 75 % of the hour
        factories.RegistrationFactory(
            user=clinician, session=factories.SessionFactory(series=ltc, days_from_now=days), attended_minutes=minutes
        )
    unaccredited = factories.SeriesFactory(title="Journal Watch")
    factories.RegistrationFactory(
        user=clinician, session=factories.SessionFactory(series=unaccredited, days_from_now=-3), attended_minutes=90
    )

    credits = {row.series.title: row for row in queries.my_learning(user=clinician).credits}

    ltc_row = credits["Long-Term Care Community of Practice"]
    assert (ltc_row.minutes, ltc_row.sessions_counted, ltc_row.counted_minutes) == (205, 3, 180)
    assert ltc_row.credits == Decimal("2.00")  # three whole hours, capped at the series' maximum of 2
    assert credits["Journal Watch"].credits is None
    assert ltc_row.hours == Decimal("3.00")  # the sessions that count, whole: not the 205 minutes recorded
    assert credits["Journal Watch"].hours == Decimal("1.00")  # 90 minutes recorded in a one-hour session


def test_waitlist_positions_follow_the_order_of_joining(clinician):
    session = factories.SessionFactory(capacity=1)
    factories.RegistrationFactory(session=session)
    now = timezone.now()
    first = factories.RegistrationFactory(
        session=session, status=Registration.Status.WAITLISTED, waitlisted_at=now - dt.timedelta(minutes=5)
    )
    mine = factories.RegistrationFactory(
        user=clinician, session=session, status=Registration.Status.WAITLISTED, waitlisted_at=now
    )

    learning = queries.my_learning(user=clinician)

    assert [r.pk for r in learning.waitlisted] == [mine.pk]
    assert learning.waitlisted[0].waitlist_position == 2
    assert queries.my_learning(user=first.user).waitlisted[0].waitlist_position == 1


def test_my_learning_needs_an_account(client):
    response = client.get(reverse("enrollment:my_learning"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
