"""Versions bumped on commit (core/versioned_cache.py `bump_on_commit`) all move when the transaction commits, each
once, in one round trip; none is lost to a savepoint rolled back or to a test that runs only some of the hooks.

Their commit is played by `django_capture_on_commit_callbacks(execute=True)`: the test's own transaction never
commits, and that runs what a commit runs, of the hooks registered inside it.
"""

import pytest
from django.core.cache import cache
from django.db import transaction

from core import versioned_cache
from core.page_cache import SEATS_VERSION_KEY, invalidate_seat_counts, programme_value

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]
USER_VERSION = "auth-user:7:version"


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    versioned_cache.clear_local()
    cache.set(USER_VERSION, 5, timeout=None)
    programme_value("seats-probe", lambda: "", shows_seats=True)  # starts the seats version
    yield cache
    versioned_cache.clear_local()


def _versions():
    return cache.get(SEATS_VERSION_KEY), cache.get(USER_VERSION)


def test_every_version_a_transaction_bumps_moves_once_when_it_commits(any_cache, django_capture_on_commit_callbacks):
    seats, user = _versions()

    with django_capture_on_commit_callbacks(execute=True) as hooks:
        invalidate_seat_counts()  # joining an open series on the way
        versioned_cache.bump_on_commit(USER_VERSION)
        invalidate_seat_counts()  # and the seat taken
        assert _versions() == (seats, user)  # nothing before the commit

    assert _versions() == (seats + 1, user + 1)
    assert len(hooks) == 3  # one each; the first to run sent all of them, the others had nothing left to send


def test_a_bump_registered_before_the_hooks_a_test_runs_does_not_take_a_later_one_with_it(
    any_cache, django_capture_on_commit_callbacks
):
    # A factory's save queued a seats bump first; the registration inside the block queues its own: run alone,
    # the block's hooks must still move both versions (a bump reused from outside the block would never run).
    seats, user = _versions()
    invalidate_seat_counts()

    with django_capture_on_commit_callbacks(execute=True):
        invalidate_seat_counts()
        versioned_cache.bump_on_commit(USER_VERSION)

    assert _versions() == (seats + 1, user + 1)


def test_a_savepoint_rolled_back_drops_only_its_own_bumps_hooks(any_cache, django_capture_on_commit_callbacks):
    seats, user = _versions()

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            invalidate_seat_counts()  # the first bump of the transaction, in a savepoint rolled back
            transaction.set_rollback(True)
        versioned_cache.bump_on_commit(USER_VERSION)  # made after it: its own hook, its own round trip

    assert _versions() == (seats, user + 1)


def test_a_change_inside_a_savepoint_rolled_back_keeps_the_bumps_made_before_it(
    any_cache, django_capture_on_commit_callbacks
):
    seats, user = _versions()

    with django_capture_on_commit_callbacks(execute=True):
        invalidate_seat_counts()
        with transaction.atomic():
            versioned_cache.bump_on_commit(USER_VERSION)
            transaction.set_rollback(True)

    # The seats moved; the user's version too, sent along (a bump of a change rolled back only drops entries early).
    assert _versions() == (seats + 1, user + 1)


def test_outside_a_transaction_a_bump_is_sent_at_once(any_cache, django_capture_on_commit_callbacks):
    seats, _user = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_seat_counts()
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_seat_counts()  # a second transaction: bumped again

    assert _versions()[0] == seats + 2


@pytest.mark.parametrize("started_by", ["the bump", "a reader, then the bump"])
def test_what_outlived_its_version_is_not_served_when_the_version_starts_again(
    any_cache, django_capture_on_commit_callbacks, started_by
):
    shown = programme_value("seats-list", lambda: "3 places left", shows_seats=True)
    cache.delete(SEATS_VERSION_KEY)  # the version alone is gone (evicted); the entry made under it is still there
    versioned_cache.clear_local()
    if started_by != "the bump":
        assert programme_value("seats-list", lambda: "3 places left", shows_seats=True) == "3 places left"

    with django_capture_on_commit_callbacks(execute=True):
        invalidate_seat_counts()

    again = programme_value("seats-list", lambda: "2 places left", shows_seats=True)
    assert (shown, again) == ("3 places left", "2 places left")
    assert isinstance(cache.get(SEATS_VERSION_KEY), int)
