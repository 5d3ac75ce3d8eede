"""Waitlists fill in order; a cancellation frees the seat at once and gives it to the first in line."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment import emails, services
from enrollment.models import Enrollment, Registration
from notifications.models import OutboundEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_session():
    return factories.SessionFactory(title="Grief in Children", capacity=2)


def _register_in_order(session, count):
    users = factories.UserFactory.create_batch(count)
    for user in users:
        services.register(user=user, sessions=[session], consent=True)
    return users


def _status(user, session):
    return Registration.objects.get(user=user, session=session).status


def test_past_the_capacity_learners_join_the_waitlist_in_order(small_session):
    users = _register_in_order(small_session, 5)

    assert [_status(u, small_session) for u in users] == ["registered"] * 2 + ["waitlisted"] * 3
    waiting = Registration.objects.filter(session=small_session, status="waitlisted").order_by("waitlisted_at", "pk")
    assert [r.user for r in waiting] == users[2:]


def test_a_cancellation_promotes_the_first_in_line_at_once(small_session, django_capture_on_commit_callbacks):
    first, second, third, fourth = _register_in_order(small_session, 4)

    services.cancel_registration(user=first, session=small_session)

    assert _status(first, small_session) == "cancelled"
    assert _status(third, small_session) == "registered"
    assert _status(fourth, small_session) == "waitlisted"
    services.cancel_registration(user=second, session=small_session)
    assert _status(fourth, small_session) == "registered"


def test_leaving_the_waitlist_does_not_promote_anyone(small_session):
    _first, _second, third, fourth = _register_in_order(small_session, 4)

    services.cancel_registration(user=third, session=small_session)

    assert _status(fourth, small_session) == "waitlisted"
    assert Registration.objects.filter(session=small_session, status="registered").count() == 2


def test_registering_again_after_cancelling_goes_to_the_back_of_the_line(small_session):
    first, _second, third = _register_in_order(small_session, 3)
    services.cancel_registration(user=first, session=small_session)

    result = services.register(user=first, sessions=[small_session], consent=True)

    assert [r.status for r in result.waitlisted] == ["waitlisted"]
    assert _status(third, small_session) == "registered"
    assert Registration.objects.filter(user=first).count() == 1


def test_a_raised_capacity_promotes_the_waitlist_in_order(small_session):
    users = _register_in_order(small_session, 5)
    small_session.capacity = 4
    small_session.save()

    promoted = services.promote_from_waitlist(session=small_session)

    assert [r.user for r in promoted] == users[2:4]
    assert _status(users[4], small_session) == "waitlisted"


def test_leaving_a_series_frees_every_upcoming_seat_and_the_place(clinician):
    series = factories.SeriesFactory(capacity=1)
    sessions = [factories.SessionFactory(series=series, capacity=1, days_from_now=d) for d in (3, 10)]
    services.register(user=clinician, sessions=sessions, consent=True)
    waiting = factories.UserFactory()
    services.enroll(user=waiting, series=series, key=None)

    cancelled = services.leave_series(user=clinician, series=series)

    assert {r.session for r in cancelled} == set(sessions)
    assert Enrollment.objects.get(user=clinician).status == Enrollment.Status.WITHDRAWN
    assert Enrollment.objects.get(user=waiting).status == Enrollment.Status.ACTIVE
    assert not Registration.objects.filter(user=clinician, status="registered").exists()


def test_cancel_from_my_learning_asks_first_then_frees_the_seat(client, clinician, small_session):
    services.register(user=clinician, sessions=[small_session], consent=True)
    registration = Registration.objects.get(user=clinician)
    client.force_login(clinician)
    url = reverse("enrollment:cancel_registration", args=[registration.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Yes, cancel my registration" in confirm.content.decode()
    assert _status(clinician, small_session) == "registered"

    done = client.post(url, follow=True)

    assert _status(clinician, small_session) == "cancelled"
    assert "You are no longer registered for “Grief in Children”." in done.content.decode()


def test_leave_a_series_from_my_learning(client, clinician):
    series = factories.SeriesFactory(slug="cbpp")
    session = factories.SessionFactory(series=series)
    services.register(user=clinician, sessions=[session], consent=True)
    client.force_login(clinician)
    url = reverse("enrollment:leave_series", args=[series.slug])

    assert session.title in client.get(url).content.decode()
    client.post(url)

    assert _status(clinician, session) == "cancelled"
    assert Enrollment.objects.get(user=clinician).status == "withdrawn"
    # Opened again (a second tab, the back button): it is done, and My learning says so.
    assert client.get(url)["Location"] == reverse("enrollment:my_learning")


def test_someone_elses_registration_cannot_be_cancelled(client, clinician, outsider, small_session):
    services.register(user=clinician, sessions=[small_session], consent=True)
    registration = Registration.objects.get(user=clinician)
    client.force_login(outsider)
    url = reverse("enrollment:cancel_registration", args=[registration.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert _status(clinician, small_session) == "registered"


def test_a_session_that_started_can_no_longer_be_cancelled(clinician):
    session = factories.SessionFactory(starts_at=timezone.now() - dt.timedelta(minutes=5))
    factories.RegistrationFactory(user=clinician, session=session)

    with pytest.raises(services.EnrollmentError) as refused:
        services.cancel_registration(user=clinician, session=session)

    assert refused.value.code == "session_started"
    assert _status(clinician, session) == "registered"


def test_each_change_writes_its_email_with_it(clinician, small_session):
    other, waiting = factories.UserFactory.create_batch(2)

    seated = services.register(user=clinician, sessions=[small_session], consent=True)
    services.register(user=other, sessions=[small_session], consent=True)
    waitlisted = services.register(user=waiting, sessions=[small_session], consent=True)
    services.cancel_registration(user=clinician, session=small_session)

    kinds = OutboundEmail.Kind
    emails_written = list(OutboundEmail.objects.order_by("pk").values_list("kind", "recipient", "idempotency_key"))
    assert [(kind, to) for kind, to, _ in emails_written] == [
        (kinds.REGISTRATION, clinician.email),
        (kinds.REGISTRATION, other.email),
        (kinds.WAITLIST, waiting.email),
        (kinds.PROMOTION, waiting.email),
        (kinds.CANCELLATION, clinician.email),
    ]
    # The seats and waitlist places of a registration are written with their emails in one round trip: the same
    # keys `emails.registrations_confirmed` and `emails.waitlist_joined` write, so a retry still writes nothing twice.
    (place,) = waitlisted.waitlisted
    assert emails_written[0][2] == f"registered:{clinician.pk}:{emails._batch(seated.registered)[1]}"
    assert emails_written[2][2] == f"waitlist:{place.pk}:{emails._stamp(place)}"


def test_a_full_series_waitlists_and_a_raised_capacity_lets_them_in_in_order():
    series = factories.SeriesFactory(capacity=1)
    factories.SessionFactory(series=series)
    first, second, third = factories.UserFactory.create_batch(3)
    for user in (first, second, third):
        services.enroll(user=user, series=series, key=None)
    assert Enrollment.objects.get(user=second).status == Enrollment.Status.WAITLISTED

    series.capacity = 2
    series.save()
    promoted = services.promote_enrollments_from_waitlist(series=series)

    assert [e.user for e in promoted] == [second]
    assert Enrollment.objects.get(user=third).status == Enrollment.Status.WAITLISTED


def test_coming_back_after_leaving_a_key_series_needs_the_key_again(clinician):
    from series.models import Series

    series = factories.SeriesFactory(registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=series)
    key = factories.EnrollmentKeyFactory(series=series, code="BACK")
    services.enroll(user=clinician, series=series, key="back")
    services.leave_series(user=clinician, series=series)

    with pytest.raises(services.EnrollmentError):
        services.enroll(user=clinician, series=series, key=None)
    again = services.enroll(user=clinician, series=series, key="BACK")

    key.refresh_from_db()
    assert again.status == Enrollment.Status.ACTIVE
    assert key.uses_count == 2
    assert Enrollment.objects.filter(user=clinician).count() == 1
