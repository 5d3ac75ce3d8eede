"""Signed-in learners share one rendering of what is the same for everyone (the lists of sessions and programs,
a series' sessions), and still see every change staff make in the admin, and every seat taken, on their next request.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from enrollment.models import Enrollment
from series.models import Series
from tests.admin_form import change_form
from tests.factories import EnrollmentFactory, RegistrationFactory, SeriesFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def learner(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def staff_client(staff):
    browser = Client()
    browser.force_login(staff)
    return browser


@pytest.fixture
def series():
    series = SeriesFactory(title="Palliative Care in Long-Term Care", slug="ltc", capacity=2)
    SessionFactory(series=series, title="Pain at the end of life", days_from_now=3)
    return series


def _text(client, url, **headers) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_shared_parts_are_rendered_once_for_every_learner(learner, series, django_assert_num_queries):
    for url in ("/", "/series/", "/series/ltc/"):
        _text(Client(), url)  # a visitor renders the shared parts first

    # 1. the signed-in learner  2. their next sessions  3. the hubs they have a role in (header)
    with django_assert_num_queries(3):
        home = _text(learner, "/")
    # The learner and their hub links now come from the cache.
    # 1. the ids of the series by invitation only they may see (theirs alone, never shared)
    with django_assert_num_queries(1):
        catalog = _text(learner, "/series/")
    # 1. their enrollment and upcoming seats in the series
    with django_assert_num_queries(1):
        page = _text(learner, "/series/ltc/")

    assert "Pain at the end of life" in home and "Communities of practice open for registration" in home
    assert "Palliative Care in Long-Term Care" in catalog
    assert "Pain at the end of life" in page and "2 places left of 2" in page
    assert "Sign out" in home and "Sign out" in catalog and "Sign out" in page  # the page itself is theirs


def test_a_title_staff_change_in_the_admin_shows_on_the_next_request(learner, staff_client, series):
    before = [_text(learner, url) for url in ("/", "/series/", "/series/ltc/")]
    url = f"/admin/series/series/{series.pk}/change/"

    response = staff_client.post(url, change_form(staff_client, url, "series_form", title_en="Care Homes ECHO"))

    assert response.status_code == 302
    assert all("Palliative Care in Long-Term Care" in page for page in before)
    for page in (_text(learner, "/"), _text(learner, "/series/"), _text(learner, "/series/ltc/")):
        assert "Care Homes ECHO" in page
        assert "Palliative Care in Long-Term Care" not in page


def test_a_session_staff_rename_in_the_admin_shows_on_the_next_request(learner, staff_client, series):
    session = series.sessions.get()
    _text(learner, "/"), _text(learner, "/series/ltc/")
    url = f"/admin/echo_sessions/session/{session.pk}/change/"

    response = staff_client.post(url, change_form(staff_client, url, "session_form", title_en="Delirium"))

    assert response.status_code == 302
    assert "Delirium" in _text(learner, "/")
    assert "Delirium" in _text(learner, "/series/ltc/")


def test_a_series_staff_publish_appears_in_the_catalog_at_once(learner, staff_client):
    draft = SeriesFactory(title="Grief and Bereavement", status=Series.Status.DRAFT)
    SessionFactory(series=draft, days_from_now=5)
    assert "Grief and Bereavement" not in _text(learner, "/series/")

    staff_client.post("/admin/series/series/", {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]})

    assert "Grief and Bereavement" in _text(learner, "/series/")
    assert "Grief and Bereavement" in _text(learner, "/")


def test_a_capacity_staff_lower_in_the_admin_shows_full_at_once(learner, staff_client, series):
    EnrollmentFactory(series=series, user=UserFactory())
    assert "1 place left of 2" in _text(learner, "/series/ltc/")
    assert "Registration open" in _text(learner, "/series/")
    url = f"/admin/series/series/{series.pk}/change/"

    response = staff_client.post(url, change_form(staff_client, url, "series_form", capacity="1"))

    assert response.status_code == 302
    page = _text(learner, "/series/ltc/")
    assert "0 places left of 1" in page and "Join the waitlist" in page
    assert "badge--full" in _text(learner, "/series/")
    assert "badge--full" in _text(learner, "/")


def test_a_seat_another_learner_takes_shows_at_once(learner, series, django_capture_on_commit_callbacks):
    EnrollmentFactory(series=series, user=UserFactory())
    assert "1 place left of 2" in _text(learner, "/series/ltc/")
    assert "badge--full" not in _text(learner, "/series/")
    other = Client()
    other.force_login(UserFactory(email="bob@example.org"))
    session = series.sessions.get()

    # The seat version moves when the registration commits (the test's own transaction never does: run what a
    # commit runs).
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post("/series/ltc/register/", {"sessions": [session.pk], "consent": "on"})

    assert response.status_code == 302
    assert Enrollment.objects.filter(series=series).active().count() == 2
    assert "0 places left of 2" in _text(learner, "/series/ltc/")
    assert "badge--full" in _text(learner, "/series/")
    assert "badge--full" in _text(learner, "/")


def test_the_learners_own_place_is_never_shared(learner, series, clinician):
    EnrollmentFactory(series=series, user=clinician)
    mine = _text(learner, "/series/ltc/")
    someone_else = Client()
    someone_else.force_login(UserFactory(email="carol@example.org"))

    theirs = _text(someone_else, "/series/ltc/")

    assert "You are enrolled" in mine
    assert "You are enrolled" not in theirs
    assert "Pain at the end of life" in theirs


def test_each_language_gets_its_own_rendering(learner, series):
    english = _text(learner, "/series/")
    francophone = Client()
    francophone.force_login(UserFactory(email="denise@example.org", preferred_language="fr"))

    french = _text(francophone, "/series/")
    french_home = _text(francophone, "/")

    assert "Registration open" in english
    assert "Inscription ouverte" in french
    assert "Communautés de pratique ouvertes aux inscriptions" in french_home


def test_each_filter_and_page_gets_its_own_rendering(learner):
    for n in range(30):
        SeriesFactory(title=f"Program {n:02}", language="fr" if n % 2 else "en")

    first = _text(learner, "/series/")
    french_only = _text(learner, "/series/?language=fr")
    second = _text(learner, "/series/?page=2")

    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Program 01" in french_only and "Program 00" not in french_only


def test_a_francophone_sees_their_next_sessions_in_french(client, series, django_assert_num_queries):
    session = series.sessions.get()
    session.title_fr = "La douleur en fin de vie"
    session.save()
    francophone = UserFactory(email="denise@example.org", preferred_language="fr")
    RegistrationFactory(session=session, user=francophone)
    client.force_login(francophone)
    _text(client, "/")

    # 1. their next sessions (both titles read with them); the learner and the header's hub links are cached
    with django_assert_num_queries(1):
        home = _text(client, "/")

    assert "Vos prochaines séances" in home
    assert "La douleur en fin de vie" in home


def test_the_series_page_says_where_the_learner_stands(learner, series, clinician):
    import datetime as dt

    from django.utils import timezone

    EnrollmentFactory(series=series, user=clinician)
    RegistrationFactory(session=series.sessions.get(), user=clinician)
    full = SeriesFactory(title="Full Community", slug="full", capacity=1)
    SessionFactory(series=full, days_from_now=4)
    EnrollmentFactory(series=full, user=UserFactory())
    earlier = timezone.now() - dt.timedelta(hours=2)
    for minutes, user in ((0, UserFactory()), (5, clinician)):
        EnrollmentFactory(
            series=full,
            user=user,
            status=Enrollment.Status.WAITLISTED,
            waitlisted_at=earlier + dt.timedelta(minutes=minutes),
        )

    enrolled = _text(learner, "/series/ltc/")
    waiting = _text(learner, "/series/full/")

    assert "You are enrolled" in enrolled and "You are registered for 1 upcoming session." in enrolled
    assert "You are number 2 on its waitlist" in waiting
