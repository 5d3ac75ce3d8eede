"""The seat version (fragments that show seats follow it) moves when a seat change commits, never before: a seat
is taken under the seat lock, and nothing that can wait (a round trip to the cache) runs under it."""

import pytest
from django.core.cache import cache

from core.page_cache import SEATS_VERSION_KEY, programme_value
from enrollment.models import Registration
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def _version():
    programme_value("seat-version-probe", lambda: "", shows_seats=True)  # starts the version if there is none
    return cache.get(SEATS_VERSION_KEY)


def test_a_seat_taken_moves_the_version_when_it_commits(django_capture_on_commit_callbacks):
    session = factories.SessionFactory(capacity=2)
    learner = factories.UserFactory()
    before = _version()

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        Registration.objects.create(user=learner, session=session, status=Registration.Status.REGISTERED)
        assert cache.get(SEATS_VERSION_KEY) == before  # nothing bumped inside the transaction

    for callback in on_commit:
        callback()
    assert cache.get(SEATS_VERSION_KEY) > before


def test_a_fragment_computed_before_the_commit_is_not_served_after_it(django_capture_on_commit_callbacks):
    session = factories.SessionFactory(capacity=2)
    shown = []

    with django_capture_on_commit_callbacks(execute=True):
        # A learner's page is computed while another's registration is not committed yet.
        Registration.objects.create(user=factories.UserFactory(), session=session, status="registered")
        stale = programme_value("seats-probe", lambda: "1 place left", shows_seats=True)
        shown.append(stale)

    fresh = programme_value("seats-probe", lambda: "0 places left", shows_seats=True)
    assert shown == ["1 place left"] and fresh == "0 places left"
