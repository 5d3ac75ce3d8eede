"""The seat version (fragments that show seats follow it) moves when a seat change commits, never before: a seat
is taken under the seat lock, and nothing that can wait (a round trip to the cache) runs under it."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from core.page_cache import SEATS_VERSION_KEY, invalidate_seat_counts, programme_value
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


def _bumps_of_the_seat_version(hooks) -> int:
    return sum(getattr(hook, "__name__", "") == "_bump_seats_version" for hook in hooks)


def test_registering_through_the_picker_moves_the_version_once_and_the_picker_shows_it(
    client, django_capture_on_commit_callbacks
):
    # Registering in an open series joins it on the way: two seat changes in one transaction, one bump after it.
    series = factories.SeriesFactory(title="Wound Care", slug="wound-care")
    session = factories.SessionFactory(series=series, title="Pressure injuries", days_from_now=4, capacity=2)
    client.force_login(factories.UserFactory())
    url = reverse("enrollment:register", args=[series.slug])
    assert "2 seats left" in client.get(url).content.decode()
    before = _version()

    with django_capture_on_commit_callbacks(execute=True) as on_commit:
        response = client.post(url, {"sessions": [session.pk], "consent": "on"})

    assert response.status_code == 302
    assert _bumps_of_the_seat_version(on_commit) == 1
    assert cache.get(SEATS_VERSION_KEY) == before + 1
    client.force_login(factories.UserFactory())
    assert "1 seat left" in client.get(url).content.decode()


def test_a_bump_waiting_in_a_savepoint_rolled_back_is_not_counted_on(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as on_commit:
        with transaction.atomic():
            invalidate_seat_counts()  # a change in a savepoint rolled back, and its bump with it
            transaction.set_rollback(True)
        invalidate_seat_counts()
        invalidate_seat_counts()  # the same transaction: the bump above serves

    assert _bumps_of_the_seat_version(on_commit) == 1


def test_a_change_inside_a_savepoint_uses_the_bump_already_waiting_outside_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as on_commit:
        invalidate_seat_counts()
        with transaction.atomic():
            invalidate_seat_counts()  # rolled back with the savepoint or not, the outer bump is kept
            transaction.set_rollback(True)
        with transaction.atomic():
            invalidate_seat_counts()

    assert _bumps_of_the_seat_version(on_commit) == 1


def test_a_bump_of_a_released_savepoint_is_not_relied_on_again_inside_the_next():
    with transaction.atomic():
        with transaction.atomic():
            invalidate_seat_counts()
        with transaction.atomic():
            invalidate_seat_counts()  # conservative: another bump rather than reasoning about released savepoints
        hooks = [hook for _savepoints, hook, _robust in transaction.get_connection().run_on_commit]
    assert _bumps_of_the_seat_version(hooks) == 2
