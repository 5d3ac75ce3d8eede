"""Every public catalog page runs the same number of queries with 1x and 10x the data."""

import pytest

from sessions.models import Resource
from tests.factories import (
    EnrollmentFactory,
    HubFactory,
    PresenterFactory,
    RegistrationFactory,
    ResourceFactory,
    SeriesFactory,
    SessionFactory,
    SpokeFactory,
    UserFactory,
)


def _programme(scale: int):
    """`scale` hubs, each with spokes and a series of 3 upcoming and 2 held sessions, members and materials."""
    first_series = first_session = first_hub = None
    learners = [UserFactory(), UserFactory()]  # password hashing is slow: a few people, many rows
    for n in range(scale):
        hub = HubFactory(name=f"Hub {n} (demo)")
        SpokeFactory(hub=hub)
        SpokeFactory(hub=hub, kind="paramedic")
        series = SeriesFactory(hub=hub, title=f"Community {n}", capacity=50, credits_per_hour=1)
        EnrollmentFactory(series=series, user=learners[0])
        presenter = PresenterFactory()
        for days in (3, 10, 17, -7, -14):
            session = SessionFactory(series=series, days_from_now=days)
            session.presenters.add(presenter, PresenterFactory())
            RegistrationFactory(session=session, user=learners[1])
            if days < 0:
                ResourceFactory(session=session)
                ResourceFactory(session=session, kind=Resource.Kind.SLIDES, visibility="registrants")
        first_series = first_series or series
        first_session = first_session or session
        first_hub = first_hub or hub
    return first_hub, first_series, first_session


PAGES = {
    # 1. count of upcoming sessions for the paginator
    # 2. the page of upcoming sessions with series, hub and each series' registration facts (subqueries)
    # 3. the accreditations of their series (credits on each card)  4. open communities of practice with their facts
    "home": (lambda hub, series, session: "/", 4),
    # 1. hubs offered in the filter  2. count for the paginator  3. the page of series with hub and facts
    "catalog": (lambda hub, series, session: "/series/", 3),
    # 1. the hub chosen (form validation)  2. hubs offered  3. count  4. the page of series
    "catalog filtered": (lambda hub, series, session: f"/series/?hub={hub.slug}&kind=cop&language=en&open=on", 4),
    # 1. the series with hub and facts  2. its accreditations  3. its sessions  4. their presenters
    "series": (lambda hub, series, session: series.get_absolute_url(), 4),
    # 1. the session with series and hub  2. presenters  3. the series' accreditations  4. published resources
    "session": (lambda hub, series, session: session.get_absolute_url(), 4),
    # 1. series offered in the filter  2. count  3. the page of sessions with series  4. their public resources
    "past sessions": (lambda hub, series, session: "/sessions/past/?q=session&language=en", 4),
    # 1. hubs with spoke and series counts (subqueries)  2. spoke kinds of every listed hub
    "hubs": (lambda hub, series, session: "/hubs/", 2),
    # 1. the hub with counts  2. its spoke kinds  3. its series with facts
    "hub": (lambda hub, series, session: hub.get_absolute_url(), 3),
}


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("page", PAGES.keys())
def test_public_page_query_count_does_not_grow_with_data(client, django_assert_num_queries, scale, page):
    hub, series, session = _programme(scale)
    url_for, expected = PAGES[page]
    url = url_for(hub, series, session)

    with django_assert_num_queries(expected):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [1, 10])
def test_session_page_for_a_signed_in_registrant_query_count(client, clinician, django_assert_num_queries, scale):
    _hub, _series, session = _programme(scale)
    RegistrationFactory(session=session, user=clinician)
    client.force_login(clinician)

    # 1. the signed-in user (the session itself comes from the cache)
    # 2. the session with series and hub  3. presenters  4. the series' accreditations  5. published resources
    # 6. is the viewer a registrant (for registrants-only slides)  7. the viewer's registration (enrollment tag)
    # 8. the hubs the viewer has a role in (the header's "Manage <hub>" entries)
    # 9. does the viewer sit on the session's panel  10. the viewer's registration and case (cases tag)
    with django_assert_num_queries(10):
        response = client.get(session.get_absolute_url())

    assert response.status_code == 200


SIGNED_IN_PAGES = {
    "home": lambda series: "/",
    "catalog": lambda series: "/series/",
    "series": lambda series: series.get_absolute_url(),
    "my learning": lambda series: "/me/",
    "session picker": lambda series: f"/series/{series.slug}/register/",
}


def _signed_in_learner(client, clinician, series):
    EnrollmentFactory(series=series, user=clinician)
    for session in series.sessions.all():
        RegistrationFactory(session=session, user=clinician)
    client.force_login(clinician)


@pytest.mark.django_db
@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("page", SIGNED_IN_PAGES.keys())
def test_signed_in_page_query_count_does_not_grow_with_data(client, clinician, django_assert_num_queries, scale, page):
    _hub, series, _session = _programme(scale)
    _signed_in_learner(client, clinician, series)
    url = SIGNED_IN_PAGES[page](series)
    assert client.get(url).status_code == 200  # the parts every learner shares are rendered and kept

    # The signed-in learner and the header's hub links come from the cache after the first page (no query).
    # home: 1. the ids of their next sessions.
    # catalog: 1. the ids of the series by invitation they may see (the rest is shared).
    # series: 1. their enrollment and upcoming seats in it (the series and its sessions are shared).
    # my learning: 1. their registrations with what is shown of sessions and series, and which of their series,
    #   documents, requests to join and case presentations have any (here only the series)
    #   2. the materials of the past sessions listed  3. their enrollments (nothing attended: no accreditations;
    #   nothing waitlisted: no places in line; the upcoming cards' shared part comes from the cache).
    # picker: 1. their enrollment, with the seats taken in the sessions left and which of them they hold (the
    #   series with its registration facts and the sessions left, titles and times written out, are shared).
    expected = {"home": 1, "catalog": 1, "series": 1, "my learning": 3, "session picker": 1}[page]
    with django_assert_num_queries(expected):
        response = client.get(url)

    assert response.status_code == 200
    assert "Sign out" in response.content.decode()
