"""The session lock and the seat count read under it, written in SQL: the same rows and counts the ORM gives."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enrollment.models import Registration
from enrollment.services import locks
from series.models import Series
from sessions.models import Session
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.postgres  # row locks and the one-round-trip seat count are PostgreSQL's
def test_the_sessions_are_locked_in_key_order_as_whole_rows():
    series = factories.SeriesFactory()
    later = factories.SessionFactory(series=series, title="Later", capacity=5, days_from_now=9)
    earlier = factories.SessionFactory(series=series, title="Earlier", capacity=None, days_from_now=2)
    factories.SessionFactory(series=series, title="Not asked for")

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = locks.lock_sessions(iter([later.pk, earlier.pk, later.pk]))

    assert [session.pk for session in locked] == sorted([later.pk, earlier.pk])
    by_pk = {session.pk: session for session in locked}
    assert by_pk[later.pk].capacity == 5 and by_pk[earlier.pk].capacity is None
    assert by_pk[later.pk].title == "Later" and by_pk[later.pk].series_id == series.pk
    assert by_pk[later.pk].starts_at == Session.objects.get(pk=later.pk).starts_at
    assert len(queries) == 1 and queries.captured_queries[0]["sql"].endswith("FOR UPDATE")
    assert locks.lock_sessions([]) == []


def test_only_held_seats_are_counted_per_session():
    one, two, empty = factories.SessionFactory.create_batch(3, capacity=10)
    factories.RegistrationFactory.create_batch(2, session=one)
    factories.RegistrationFactory(session=one, status=Registration.Status.WAITLISTED)
    factories.RegistrationFactory(session=one, status=Registration.Status.CANCELLED)
    factories.RegistrationFactory(session=two)

    assert locks.seats_taken([one.pk, two.pk, empty.pk]) == {one.pk: 2, two.pk: 1}
    assert locks.seats_taken(session.pk for session in [two]) == {two.pk: 1}
    assert locks.seats_taken([]) == {}


@pytest.mark.postgres  # row locks and the one-round-trip seat count are PostgreSQL's
def test_the_series_is_locked_as_a_whole_row():
    series = factories.SeriesFactory(title="Palliative Care", capacity=12)

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = locks.lock_series(series.pk)

    assert (locked.pk, locked.title, locked.capacity) == (series.pk, "Palliative Care", 12)
    assert locked.hub_id == series.hub_id
    assert len(queries) == 1 and queries.captured_queries[0]["sql"].endswith("FOR UPDATE")
    with pytest.raises(Series.DoesNotExist):
        locks.lock_series(series.pk + 1000)


@pytest.mark.postgres
def test_seats_are_taken_under_the_lock_where_the_learner_has_no_row_and_left_where_they_have_one():
    learner = factories.UserFactory()
    full = factories.SessionFactory(capacity=2, days_from_now=3)
    factories.RegistrationFactory.create_batch(2, session=full)
    factories.RegistrationFactory(session=full, status=Registration.Status.CANCELLED)  # a freed seat is not held
    open_one = factories.SessionFactory(capacity=2, days_from_now=4)
    factories.RegistrationFactory(session=open_one, status=Registration.Status.WAITLISTED)  # nor a waitlist place
    unlimited = factories.SessionFactory(capacity=None, days_from_now=5)
    held = factories.SessionFactory(capacity=5, days_from_now=6)
    already = factories.RegistrationFactory(user=learner, session=held, status=Registration.Status.CANCELLED)
    now = timezone.now()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        written = locks.take_seats(
            user_id=learner.pk, session_ids=[unlimited.pk, held.pk, full.pk, open_one.pk], now=now
        )

    rows = {row.session_id: row for row in Registration.objects.filter(user=learner)}
    assert {session_id: status for session_id, (_pk, status) in written.items()} == {
        full.pk: Registration.Status.WAITLISTED,
        open_one.pk: Registration.Status.REGISTERED,
        unlimited.pk: Registration.Status.REGISTERED,
    }
    assert all(rows[session_id].pk == pk for session_id, (pk, _status) in written.items())
    assert rows[full.pk].waitlisted_at == now and rows[open_one.pk].waitlisted_at is None
    assert rows[open_one.pk].registered_at == rows[open_one.pk].status_changed_at == now
    assert rows[held.pk].pk == already.pk and rows[held.pk].status == Registration.Status.CANCELLED  # left as it was
    # On PostgreSQL the lock and the INSERT that counts and writes go in one round trip, the lock first.
    assert len(queries) == 1
    lock, insert = queries.captured_queries[0]["sql"].split("; ")
    assert lock.endswith("FOR UPDATE") and insert.startswith('INSERT INTO "enrollment_registration"')
    assert locks.take_seats(user_id=learner.pk, session_ids=[], now=now) == {}


@pytest.mark.postgres
def test_a_place_is_taken_under_the_lock_where_the_learner_has_no_row_and_left_where_they_have_one():
    from enrollment.models import Enrollment
    from enrollment.services.enrollments import take_place_locked

    series = factories.SeriesFactory(capacity=2)
    factories.EnrollmentFactory(series=series)  # one place held
    factories.EnrollmentFactory(series=series, status=Enrollment.Status.WAITLISTED)  # a waitlist place is not one
    factories.EnrollmentFactory(series=series, status=Enrollment.Status.WITHDRAWN)  # nor a withdrawn one
    withdrawn = factories.EnrollmentFactory(series=series, status=Enrollment.Status.WITHDRAWN)
    first, second = factories.UserFactory.create_batch(2)
    now = timezone.now()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        taken = locks.join_series(user_id=first.pk, series_id=series.pk, now=now)
    with transaction.atomic():
        waiting = locks.join_series(user_id=second.pk, series_id=series.pk, now=now)
        kept = locks.join_series(user_id=withdrawn.user_id, series_id=series.pk, now=now)

    rows = {row.user_id: row for row in Enrollment.objects.filter(series=series)}
    assert taken == (rows[first.pk].pk, Enrollment.Status.ACTIVE)
    assert waiting == (rows[second.pk].pk, Enrollment.Status.WAITLISTED)
    assert kept is None and rows[withdrawn.user_id].status == Enrollment.Status.WITHDRAWN
    assert rows[first.pk].waitlisted_at is None and rows[second.pk].waitlisted_at == now
    assert rows[first.pk].enrolled_at == now and rows[first.pk].key_id is None
    # The same statuses the ORM's way gives from the same rows.
    Enrollment.objects.filter(user__in=[first, second]).delete()
    for user, expected in ((first, Enrollment.Status.ACTIVE), (second, Enrollment.Status.WAITLISTED)):
        with transaction.atomic():
            plain = take_place_locked(user=user, series=locks.lock_series(series.pk), enrollment=None, now=now)
        assert plain.status == expected
    assert len(queries) == 1
    lock, insert = queries.captured_queries[0]["sql"].split("; ")
    assert lock.startswith('SELECT * FROM "series_series"') and lock.endswith("FOR UPDATE")
    assert insert.startswith('INSERT INTO "enrollment_enrollment"')


@pytest.mark.postgres
def test_a_series_without_a_capacity_always_has_a_place():
    series = factories.SeriesFactory(capacity=None)
    factories.EnrollmentFactory.create_batch(3, series=series)
    learner = factories.UserFactory()

    with transaction.atomic():
        written = locks.join_series(user_id=learner.pk, series_id=series.pk, now=timezone.now())

    assert written is not None and written[1] == "active"
