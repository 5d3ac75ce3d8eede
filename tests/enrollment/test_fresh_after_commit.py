"""What a registration changes shows on the next page as soon as it commits, though a page read it meanwhile.

The shared cache keeps the signed-in user's row and the parts of pages that show places; both are dropped by a
version bumped when the change commits, and only then (accounts/user_cache.py, core/page_cache.py). Here the
registration runs in a thread of its own, on its own database connection, and waits before it commits while
another request reads (and keeps) what it sees: that copy must never be served once the registration committed.
A bump made before the commit instead of after it would mark that copy as current, and these tests would fail.
On PostgreSQL and Redis, as production runs them.
"""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from enrollment.models import Enrollment
from enrollment.services import seats
from tests.factories import SeriesFactory, SessionFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("page_cache_on", "redis_cache"),
]


@pytest.fixture
def series():
    series = SeriesFactory(title="Palliative Care in Long-Term Care", slug="ltc", capacity=2)
    SessionFactory(series=series, title="Pain at the end of life", days_from_now=3)
    return series


class _HeldOpen:
    """`change()` in a transaction of its own, in another thread, held open until `commit()`."""

    def __init__(self, change):
        self.changed, self.may_commit, self.errors = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self._run, args=(change,))
        self.thread.start()
        assert self.changed.wait(timeout=30), self.errors

    def _run(self, change):
        try:
            with transaction.atomic():
                change()
                self.changed.set()
                assert self.may_commit.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 (asserted by commit())
            self.errors.append(error)
            self.changed.set()
        finally:
            connection.close()

    def commit(self):
        self.may_commit.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive() and not self.errors, self.errors


def _signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def _page(browser, url) -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_her_consent_given_in_another_tab_shows_on_her_next_page_though_a_page_read_her_meanwhile(series, clinician):
    alice = _signed_in(clinician)

    other_tab = _HeldOpen(
        lambda: seats.record_privacy_consent(user=User.objects.get(pk=clinician.pk), now=timezone.now())
    )
    asked_meanwhile = _page(alice, "/series/ltc/register/")  # her row as committed so far, now kept in the cache
    other_tab.commit()

    assert 'name="consent"' in asked_meanwhile
    assert 'name="consent"' not in _page(alice, "/series/ltc/register/")


def test_a_place_taken_shows_to_another_learner_as_soon_as_it_commits_though_their_page_read_the_places_meanwhile(
    series,
):
    carol = _signed_in(UserFactory(email="carol@example.org"))
    bob = UserFactory(email="bob@example.org")
    session = series.sessions.get()

    registering = _HeldOpen(lambda: seats.register(user=bob, sessions=[session], consent=True))
    read_meanwhile = _page(carol, "/series/ltc/")  # the places before Bob's commit, now kept in the cache
    registering.commit()

    assert Enrollment.objects.filter(series=series, user=bob).active().exists()
    assert "2 places left of 2" in read_meanwhile
    assert "1 place left of 2" in _page(carol, "/series/ltc/")


class _VersionWrites:
    """Each round trip to Redis that increments (redis-py sends INCRBY for an INCR; django_redis's own `incr` is an
    EVAL), with how many increments it carries and whether the database connection was still inside a
    transaction when it was sent."""

    def __init__(self, monkeypatch):
        from redis.connection import AbstractConnection

        self.round_trips: list[tuple[bool, int]] = []
        send = AbstractConnection.send_packed_command

        def spy(redis_connection, command, *args, **kwargs):
            packed = b"".join(command) if isinstance(command, list) else command
            increments = packed.count(b"\r\nINCRBY\r\n") + packed.count(b"\r\nEVAL\r\n")
            if increments:
                self.round_trips.append((connection.in_atomic_block, increments))
            return send(redis_connection, command, *args, **kwargs)

        monkeypatch.setattr(AbstractConnection, "send_packed_command", spy)


def test_a_registration_moves_its_versions_in_one_round_trip_after_it_commits(series, clinician, monkeypatch):
    # Registering in an open series joins it on the way (a place: the seats version), records consent (her row:
    # her version) and takes the seat (the seats version again): two versions, one pipeline, nothing before COMMIT.
    alice = _signed_in(clinician)
    session = series.sessions.get()
    assert 'name="consent"' in _page(alice, "/series/ltc/register/")
    writes = _VersionWrites(monkeypatch)

    response = alice.post("/series/ltc/register/", {"sessions": [session.pk], "consent": "on"})

    assert response.status_code == 302
    assert writes.round_trips == [(False, 2)]
    assert "1 place left of 2" in _page(_signed_in(UserFactory(email="carol@example.org")), "/series/ltc/")
    assert 'name="consent"' not in _page(alice, "/series/ltc/register/")
