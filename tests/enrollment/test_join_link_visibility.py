"""The join link of a session is shown only to its registrants: never in public HTML."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from enrollment import queries
from enrollment.models import Registration
from enrollment.registration import with_registration_facts
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.example.org/j/123456789"


@pytest.fixture
def session():
    return factories.SessionFactory(title="Managing Complex Pain", join_url=JOIN_URL, capacity=1)


@pytest.fixture
def registered(session):
    return factories.RegistrationFactory(session=session).user


@pytest.fixture
def waitlisted(session):
    return factories.RegistrationFactory(session=session, status=Registration.Status.WAITLISTED).user


def _panel(user, session):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return Template("{% load enrollment_tags %}{% registration_panel session %}").render(
        Context({"request": request, "session": session})
    )


def test_the_panel_shows_the_link_only_to_a_registrant(session, registered, waitlisted, outsider):
    assert JOIN_URL in _panel(registered, session)
    assert JOIN_URL not in _panel(waitlisted, session)
    assert "You are on the waitlist" in _panel(waitlisted, session)
    assert JOIN_URL not in _panel(outsider, session)
    assert JOIN_URL not in _panel(None, session)
    assert "Sign in to register" in _panel(None, session)


def test_a_cancelled_registration_loses_the_link(session, registered):
    Registration.objects.filter(user=registered).update(status=Registration.Status.CANCELLED)

    assert JOIN_URL not in _panel(registered, session)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "waitlisted", "registered"])
def test_session_and_series_pages_show_the_link_to_registrants_only(
    client, session, registered, waitlisted, outsider, who
):
    viewer = {"anonymous": None, "outsider": outsider, "waitlisted": waitlisted, "registered": registered}[who]
    if viewer is not None:
        client.force_login(viewer)

    session_page = client.get(reverse("echo_sessions:detail", args=[session.pk]))
    series_page = client.get(reverse("series:detail", args=[session.series.slug]))
    my_learning = client.get(reverse("enrollment:my_learning"))

    assert session_page.status_code == 200
    assert (JOIN_URL in session_page.content.decode()) is (who == "registered")
    assert JOIN_URL not in series_page.content.decode()
    if viewer is None:
        assert my_learning.status_code == 302
    else:
        assert (JOIN_URL in my_learning.content.decode()) is (who == "registered")


def _series_as_its_page_reads_it(series):
    return with_registration_facts(Series.objects.filter(pk=series.pk)).get()


def test_the_tags_cost_a_fixed_number_of_queries(django_assert_num_queries, session, registered):
    factories.SessionFactory.create_batch(3, series=session.series)
    series = _series_as_its_page_reads_it(session.series)
    request = RequestFactory().get("/")
    request.user = registered
    template = Template(
        "{% load enrollment_tags %}{% series_actions series %}"
        "{% for s in sessions %}{% registration_panel s %}{% endfor %}"
    )
    sessions = list(session.series.sessions.select_related("series"))

    # 1: the viewer's enrollment in the series; 2: how many upcoming sessions they hold in it;
    # then 1 per session panel: the viewer's registration for that session.
    with django_assert_num_queries(2 + len(sessions)):
        template.render(Context({"request": request, "series": series, "sessions": sessions}))


def test_anonymous_visitors_cost_no_query(django_assert_num_queries, session):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    template = Template("{% load enrollment_tags %}{% series_actions series %}{% registration_panel session %}")
    series = _series_as_its_page_reads_it(session.series)

    with django_assert_num_queries(0):
        template.render(Context({"request": request, "series": series, "session": session}))


def test_my_learning_reads_in_four_queries(django_assert_num_queries, clinician):
    for days, minutes in ((-14, 60), (-7, None), (7, None), (14, None)):
        session = factories.SessionFactory(days_from_now=days)
        factories.RegistrationFactory(user=clinician, session=session, attended_minutes=minutes)
    factories.EnrollmentFactory.create_batch(2, user=clinician)

    # 1: registrations with what is shown of their session and series, and whether there are enrollments;
    # 2: the published resources of the past sessions listed; 3: the accreditations of the series attended
    # (for credits); 4: enrollments with their series. Nobody waits in line, so no place in line is counted.
    with django_assert_num_queries(4):
        learning = queries.my_learning(user=clinician)

    assert len(learning.upcoming) == 2 and len(learning.past) == 2
    assert len(learning.credits) == 1


def test_my_learning_with_only_seats_to_come_reads_them_in_one_query(django_assert_num_queries, clinician):
    for days in (7, 14):
        factories.RegistrationFactory(user=clinician, session=factories.SessionFactory(days_from_now=days))

    # 1: registrations with what is shown of their session and series, and whether there are enrollments (none;
    # no past session, nothing attended, no waitlist: nothing else to read).
    with django_assert_num_queries(1):
        learning = queries.my_learning(user=clinician)

    assert len(learning.upcoming) == 2 and learning.past == [] and learning.credits == []
