"""Staff who raise a capacity in the admin hand the freed seats to the waitlist, in order, and those promoted hear."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from enrollment.models import Enrollment, Registration
from series.models import Series
from tests import factories
from tests.admin_form import change_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def _waitlist(session, count):
    start = timezone.now() - dt.timedelta(hours=1)
    people = []
    for index in range(count):
        registration = factories.RegistrationFactory(
            session=session,
            status=Registration.Status.WAITLISTED,
            waitlisted_at=start + dt.timedelta(minutes=index),
            user=factories.UserFactory(email=f"waiting{index}@example.org"),
        )
        people.append(registration)
    return people


@pytest.fixture
def full_session():
    session = factories.SessionFactory(capacity=1, starts_at=timezone.now() + dt.timedelta(days=7))
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.save()
    factories.RegistrationFactory(session=session, user=factories.UserFactory(email="seated@example.org"))
    return session


def _statuses(session):
    return dict(Registration.objects.filter(session=session).values_list("user__email", "status"))


def _promoted_mail():
    return sorted(to for message in mail.outbox for to in message.to if message.to[0].startswith("waiting"))


def test_raising_a_session_capacity_in_its_form_promotes_the_first_in_line(staff_client, full_session):
    _waitlist(full_session, 3)
    url = f"/admin/echo_sessions/session/{full_session.pk}/change/"

    response = staff_client.post(url, change_form(staff_client, url, "session_form", capacity=3), follow=True)

    assert response.status_code == 200
    assert "2 people moved up from the waitlist and were emailed." in response.content.decode()
    statuses = _statuses(full_session)
    assert [statuses[f"waiting{i}@example.org"] for i in range(3)] == ["registered", "registered", "waitlisted"]
    assert _promoted_mail() == ["waiting0@example.org", "waiting1@example.org"]


def test_removing_the_limit_promotes_everyone_waiting(staff_client, full_session):
    _waitlist(full_session, 2)
    url = f"/admin/echo_sessions/session/{full_session.pk}/change/"

    staff_client.post(url, change_form(staff_client, url, "session_form", capacity=""))

    assert set(_statuses(full_session).values()) == {"registered"}


def test_lowering_a_capacity_promotes_nobody_and_seats_nobody_out(staff_client, full_session):
    full_session.capacity = 3
    full_session.save()
    _waitlist(full_session, 1)  # a waitlist can outlive a seat given back by hand
    url = f"/admin/echo_sessions/session/{full_session.pk}/change/"

    staff_client.post(url, change_form(staff_client, url, "session_form", capacity=1))

    assert _statuses(full_session)["waiting0@example.org"] == "waitlisted"
    assert _statuses(full_session)["seated@example.org"] == "registered"
    assert _promoted_mail() == []


def test_raising_it_in_the_series_sessions_inline_promotes_too(staff_client, full_session):
    _waitlist(full_session, 2)
    series = full_session.series
    url = f"/admin/series/series/{series.pk}/change/"
    index = next(
        name.split("-")[1]
        for name, value in change_form(staff_client, url, "series_form").items()
        if name.startswith("sessions-") and name.endswith("-id") and value == [str(full_session.pk)]
    )

    edited = change_form(staff_client, url, "series_form", **{f"sessions-{index}-capacity": 2})

    response = staff_client.post(url, edited)

    assert response.status_code == 302
    statuses = _statuses(full_session)
    assert statuses["waiting0@example.org"] == "registered" and statuses["waiting1@example.org"] == "waitlisted"
    assert _promoted_mail() == ["waiting0@example.org"]


def test_raising_a_series_capacity_lets_the_waitlisted_join(staff_client):
    series = factories.SeriesFactory(capacity=1, registration_mode=Series.RegistrationMode.OPEN)
    factories.EnrollmentFactory(series=series)
    start = timezone.now() - dt.timedelta(hours=1)
    for index in range(2):
        factories.EnrollmentFactory(
            series=series,
            status=Enrollment.Status.WAITLISTED,
            waitlisted_at=start + dt.timedelta(minutes=index),
            user=factories.UserFactory(email=f"waiting{index}@example.org"),
        )
    url = f"/admin/series/series/{series.pk}/change/"

    response = staff_client.post(url, change_form(staff_client, url, "series_form", capacity=2), follow=True)

    assert "1 person moved up from the waitlist and was emailed." in response.content.decode()
    waiting = dict(Enrollment.objects.filter(series=series).values_list("user__email", "status"))
    assert waiting["waiting0@example.org"] == "active" and waiting["waiting1@example.org"] == "waitlisted"
    assert _promoted_mail() == ["waiting0@example.org"]
