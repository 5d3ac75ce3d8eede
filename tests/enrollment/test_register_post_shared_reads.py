"""A register POST reads the series and the sessions one can pick as every learner reads them (kept per programme
version), and the enrollment count now: the same answers as reading everything afresh, and a staff edit, a begun
session or a place someone else takes is seen by the very next POST."""

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment import views
from enrollment.models import Enrollment, Registration
from enrollment.registration import registration_state
from notifications.models import OutboundEmail
from series.models import Series
from sessions.models import Session
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

REGISTER = "enrollment:register"


@pytest.fixture
def ltc():
    series = factories.SeriesFactory(title="Long-Term Care Community of Practice", slug="ltc")
    factories.SessionFactory(series=series, title="Pain at the end of life", days_from_now=3, capacity=2)
    factories.SessionFactory(series=series, title="Delirium", days_from_now=10)
    return series


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


def _same_series(fast: Series, plain: Series) -> None:
    fields = [field.attname for field in Series._meta.concrete_fields]
    assert [getattr(fast, name) for name in fields] == [getattr(plain, name) for name in fields]
    assert fast.hub.name == plain.hub.name
    assert fast.last_session_ends_at == plain.last_session_ends_at
    if plain.capacity is not None:
        assert fast.active_enrollment_count == plain.active_enrollment_count
    assert registration_state(fast).state == registration_state(plain).state


def _series_of_every_kind():
    now = timezone.now()
    unlimited = factories.SeriesFactory(slug="unlimited")
    factories.SessionFactory(series=unlimited, days_from_now=5)
    roomy = factories.SeriesFactory(slug="roomy", capacity=3)
    factories.SessionFactory(series=roomy, days_from_now=5)
    factories.EnrollmentFactory(series=roomy)
    full = factories.SeriesFactory(slug="full", capacity=1)
    factories.SessionFactory(series=full, days_from_now=5)
    factories.EnrollmentFactory(series=full)
    closed = factories.SeriesFactory(slug="window-closed", registration_closes_at=now - dt.timedelta(days=1))
    factories.SessionFactory(series=closed, days_from_now=5)
    soon = factories.SeriesFactory(slug="not-yet", registration_opens_at=now + dt.timedelta(days=1))
    factories.SessionFactory(series=soon, days_from_now=5)
    over = factories.SeriesFactory(slug="over")
    factories.SessionFactory(series=over, days_from_now=-5)
    keyed = factories.SeriesFactory(slug="keyed", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=keyed, days_from_now=5)
    return [unlimited, roomy, full, closed, soon, over, keyed]


def test_the_posted_series_is_the_published_series_read_afresh(clinician):
    for series in _series_of_every_kind():
        for _ in range(2):  # read, then kept
            _same_series(
                views._posted_series(_request(clinician), series.slug),
                views._published_series(_request(clinician), series.slug),
            )


def test_a_draft_or_an_unknown_series_is_not_found_on_post(clinician, ltc):
    from django.http import Http404

    ltc.status = Series.Status.DRAFT
    ltc.save()
    for slug in ("ltc", "nothing-here"):
        with pytest.raises(Http404):
            views._posted_series(_request(clinician), slug)


def test_the_submittable_sessions_are_those_read_afresh(ltc):
    from enrollment import queries

    for _ in range(2):  # read, then kept
        fast = views._submittable_sessions(ltc)
        plain = queries.pickable_sessions(series=ltc)
        assert [(s.pk, s.title, s.starts_at, s.capacity, s.when) for s in fast] == [
            (s.pk, s.title, s.starts_at, s.capacity, s.when) for s in plain
        ]
        assert all(session.series is ltc for session in fast)


def _post(client, series, session, **extra):
    return client.post(reverse(REGISTER, args=[series.slug]), {"sessions": [session.pk], "consent": "on", **extra})


def test_a_post_takes_the_seat_and_queues_its_email(client, clinician, ltc):
    pain = ltc.sessions.get(title="Pain at the end of life")
    client.force_login(clinician)
    assert client.get(reverse(REGISTER, args=[ltc.slug])).status_code == 200  # the picker first, as a browser

    response = _post(client, ltc, pain)

    assert response.status_code == 302 and "/register/done/" in response["Location"]
    assert Registration.objects.get(user=clinician, session=pain).status == Registration.Status.REGISTERED
    assert Enrollment.objects.get(user=clinician, series=ltc).status == Enrollment.Status.ACTIVE
    assert OutboundEmail.objects.filter(recipient=clinician.email, kind=OutboundEmail.Kind.REGISTRATION).count() == 1


def test_a_session_staff_cancel_after_the_picker_was_read_is_refused(client, clinician, ltc):
    pain = ltc.sessions.get(title="Pain at the end of life")
    client.force_login(clinician)
    assert "Pain at the end of life" in client.get(reverse(REGISTER, args=[ltc.slug])).content.decode()

    pain.status = Session.Status.CANCELLED
    pain.save()
    response = _post(client, ltc, pain)

    assert response.status_code == 200  # the picker again, with the pick refused
    assert not Registration.objects.filter(user=clinician).exists()


def test_a_series_staff_close_after_the_picker_was_read_takes_nothing(client, clinician, ltc):
    pain = ltc.sessions.get(title="Pain at the end of life")
    client.force_login(clinician)
    client.get(reverse(REGISTER, args=[ltc.slug]))
    _post(client, ltc, ltc.sessions.get(title="Delirium"))  # the series kept by this process, as in a burst

    ltc.registration_mode = Series.RegistrationMode.CLOSED
    ltc.save()
    response = _post(client, ltc, pain)

    assert response.status_code == views.STATE_REFUSED_STATUS
    assert not Registration.objects.filter(user=clinician, session=pain).exists()


def test_a_session_begun_since_it_was_kept_is_refused(client, clinician, ltc, monkeypatch):
    pain = ltc.sessions.get(title="Pain at the end of life")
    client.force_login(clinician)
    client.get(reverse(REGISTER, args=[ltc.slug]))
    later = pain.starts_at + dt.timedelta(minutes=1)

    monkeypatch.setattr(timezone, "now", lambda: later)  # time passes: nothing saved, no programme change
    response = _post(client, ltc, pain)

    assert response.status_code == 200
    assert not Registration.objects.filter(user=clinician).exists()


def test_the_last_place_taken_by_someone_else_is_seen_by_the_next_post(client, clinician, ltc):
    ltc.capacity = 1
    ltc.save()
    pain = ltc.sessions.get(title="Pain at the end of life")
    client.force_login(clinician)
    client.get(reverse(REGISTER, args=[ltc.slug]))  # the series kept while it had a place

    factories.EnrollmentFactory(series=ltc)  # another learner joins: no programme change
    response = _post(client, ltc, pain)

    assert response.status_code == 302 and response["Location"] == reverse("enrollment:enroll", args=[ltc.slug])
    assert not Registration.objects.filter(user=clinician).exists()


@pytest.mark.postgres  # the one-round-trip seat count is PostgreSQL's
def test_a_post_after_the_picker_reads_neither_the_series_nor_the_sessions_again(client, clinician, ltc):
    pain = ltc.sessions.get(title="Pain at the end of life")
    client.force_login(clinician)
    client.get(reverse(REGISTER, args=[ltc.slug]))
    _post(client, ltc, ltc.sessions.get(title="Delirium"))  # this process keeps the series and the sessions

    with CaptureQueriesContext(connection) as queries:
        response = _post(client, ltc, pain)

    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    # The learner's enrollment (the series and the sessions one can pick are this process's copies; no capacity, so
    # no count). Then one round trip: the consent (the first POST's is stored, but this test's transaction never
    # commits, so the cached user never heard of it), the session locked, its seats counted and the registration
    # inserted, the email inserted.
    assert not any('FROM "series_series"' in sql for sql in statements)
    assert not any(sql.startswith('SELECT "echo_sessions_session"') for sql in statements)
    assert len(statements) == 2, "\n".join(sql[:100] for sql in statements)
