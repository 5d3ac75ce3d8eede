"""A burst of concurrent registrations never fills more seats than exist, and the lock is what prevents it.

Forty learners, each on their own database connection in their own thread, race
for five seats. The check-then-insert window is widened with a short sleep after
the availability count (for the sessions, whose seats are counted and taken in one
SQL round trip, by a trigger that sleeps before each registration is inserted). With
the row lock the seats are never overbooked; with the lock switched off (the same
code reading without FOR UPDATE) the same race overbooks, which proves the test can
see the bug it guards against.
"""

import contextlib
import time

import pytest
from django.db import connection

from enrollment import services
from enrollment.models import Enrollment, Registration
from enrollment.services import locks
from series.models import Series
from sessions.models import Session
from tests import factories
from tests.concurrency import all_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


RACERS = 40
SEATS = 5
WINDOW_SECONDS = 0.05


def _widen_window(monkeypatch, name):
    """Sleep after the availability count, between the check and the insert."""
    counted = getattr(locks, name)

    def slow(*args, **kwargs):
        result = counted(*args, **kwargs)
        time.sleep(WINDOW_SECONDS)
        return result

    monkeypatch.setattr(locks, name, slow)


@contextlib.contextmanager
def _slow_inserts(table):
    """Sleep in the database before each row of `table` is inserted: after the seats (or places) were counted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION race_test_pause() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_sleep({WINDOW_SECONDS}); RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER race_test_pause BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION race_test_pause()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER race_test_pause ON {table}")
            cursor.execute("DROP FUNCTION race_test_pause()")


def _slow_registration_inserts():
    return _slow_inserts("enrollment_registration")


def _without_session_lock(monkeypatch):
    """The session lock's SELECT without FOR UPDATE, wherever it is sent (alone, or with the seats it guards)."""
    with_lock = locks._session_lock_sql
    monkeypatch.setattr(locks, "_session_lock_sql", lambda ids: with_lock(ids).removesuffix(" FOR UPDATE"))


def _without_series_lock(monkeypatch):
    """The series lock's SELECT without FOR UPDATE, wherever it is sent (alone, or with the place it guards)."""
    monkeypatch.setattr(locks, "lock_series", lambda series_id: Series.objects.get(pk=series_id))
    with_lock = locks._series_lock_sql
    monkeypatch.setattr(locks, "_series_lock_sql", lambda: with_lock().removesuffix(" FOR UPDATE"))


def _session_race():
    series = factories.SeriesFactory()
    session = factories.SessionFactory(series=series, capacity=SEATS)
    users = factories.UserFactory.create_batch(RACERS, verified=False)
    for user in users:
        factories.EnrollmentFactory(user=user, series=series)

    def take_a_seat(user):
        services.register(
            user=user, sessions=[Session.objects.select_related("series").get(pk=session.pk)], consent=True
        )

    with _slow_registration_inserts():
        all_at_once(take_a_seat, users)
    registered = Registration.objects.filter(session=session, status=Registration.Status.REGISTERED).count()
    waitlisted = Registration.objects.filter(session=session, status=Registration.Status.WAITLISTED).count()
    return registered, waitlisted


def _series_race():
    series = factories.SeriesFactory(capacity=SEATS)
    factories.SessionFactory(series=series)
    users = factories.UserFactory.create_batch(RACERS, verified=False)

    def join(user):
        services.enroll(user=user, series=Series.objects.get(pk=series.pk), key=None)

    all_at_once(join, users)
    active = Enrollment.objects.filter(series=series, status=Enrollment.Status.ACTIVE).count()
    waitlisted = Enrollment.objects.filter(series=series, status=Enrollment.Status.WAITLISTED).count()
    return active, waitlisted


def _joining_race():
    """Forty learners register in an open series of five places they have not joined: each joins it on the way."""
    series = factories.SeriesFactory(capacity=SEATS)
    session = factories.SessionFactory(series=series, capacity=None)
    users = factories.UserFactory.create_batch(RACERS, verified=False)

    def register(user):
        with contextlib.suppress(services.EnrollmentError):  # the series' waitlist: "this series is full"
            services.register(
                user=user, sessions=[Session.objects.select_related("series").get(pk=session.pk)], consent=True
            )

    with _slow_inserts("enrollment_enrollment"):
        all_at_once(register, users)
    active = Enrollment.objects.filter(series=series, status=Enrollment.Status.ACTIVE).count()
    waitlisted = Enrollment.objects.filter(series=series, status=Enrollment.Status.WAITLISTED).count()
    seated = Registration.objects.filter(session=session, status=Registration.Status.REGISTERED).count()
    return active, waitlisted, seated


def test_forty_learners_joining_five_places_on_the_way_to_a_seat_never_overbook():
    active, waitlisted, seated = _joining_race()

    print(f"\njoining race with lock: {RACERS} threads, {SEATS} places -> {active} enrolled, {waitlisted} waitlisted")
    assert (active, waitlisted) == (SEATS, RACERS - SEATS)
    assert seated == SEATS  # a seat only for those who got a place


def test_the_joining_race_overbooks_without_the_series_lock(monkeypatch):
    _without_series_lock(monkeypatch)

    outcomes = []
    for _round in range(3):
        active, _waitlisted, _seated = _joining_race()
        outcomes.append(active)
        if active > SEATS:
            break

    print(f"\njoining race without lock: {RACERS} threads, {SEATS} places -> enrolled per round {outcomes}")
    assert max(outcomes) > SEATS, f"expected overbooking without the lock, got {outcomes}"


def test_forty_learners_racing_for_five_session_seats_never_overbook():
    registered, waitlisted = _session_race()

    print(
        f"\nsession race with lock: {RACERS} threads, {SEATS} seats -> {registered} registered, {waitlisted} waitlisted"
    )
    assert (registered, waitlisted) == (SEATS, RACERS - SEATS)


def test_the_session_race_overbooks_without_the_lock(monkeypatch):
    _without_session_lock(monkeypatch)

    outcomes = []
    for _round in range(3):
        registered, waitlisted = _session_race()
        outcomes.append(registered)
        if registered > SEATS:
            break

    print(f"\nsession race without lock: {RACERS} threads, {SEATS} seats -> registered per round {outcomes}")
    assert max(outcomes) > SEATS, f"expected overbooking without the lock, got {outcomes}"


def test_forty_learners_racing_for_five_places_in_a_series_never_overbook(monkeypatch):
    _widen_window(monkeypatch, "active_enrollments")

    active, waitlisted = _series_race()

    print(f"\nseries race with lock: {RACERS} threads, {SEATS} places -> {active} enrolled, {waitlisted} waitlisted")
    assert (active, waitlisted) == (SEATS, RACERS - SEATS)


def test_the_series_race_overbooks_without_the_lock(monkeypatch):
    _widen_window(monkeypatch, "active_enrollments")
    _without_series_lock(monkeypatch)

    outcomes = []
    for _round in range(3):
        active, _waitlisted = _series_race()
        outcomes.append(active)
        if active > SEATS:
            break

    print(f"\nseries race without lock: {RACERS} threads, {SEATS} places -> enrolled per round {outcomes}")
    assert max(outcomes) > SEATS, f"expected overbooking without the lock, got {outcomes}"


def test_a_key_is_never_used_past_its_maximum_in_a_burst():
    series = factories.SeriesFactory(registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=series)
    key = factories.EnrollmentKeyFactory(series=series, code="BURST", max_uses=SEATS)
    users = factories.UserFactory.create_batch(RACERS, verified=False)
    refused = []

    def use_key(user):
        try:
            services.enroll_by_key(user=user, key="burst")
        except services.EnrollmentError as error:
            refused.append(error.code)

    all_at_once(use_key, users)

    key.refresh_from_db()
    assert key.uses_count == SEATS
    assert Enrollment.objects.filter(series=series).count() == SEATS
    assert refused == ["key_used_up"] * (RACERS - SEATS)
