"""Approving requests to join under the series lock: two approvals for the last place, two reviewers on one
request, and self-registration racing an approval, each on its own database connection.

The window between the place count and the insert is widened with a short sleep; with the series lock switched
off the first race overbooks, which proves the test sees the bug the lock prevents.
"""

import pytest

from enrollment import services
from enrollment.models import Enrollment, JoinRequest
from notifications.models import OutboundEmail
from series.models import Series
from sessions.models import Session
from tests import factories
from tests.concurrency import all_at_once
from tests.enrollment.test_capacity_race import _widen_window, _without_series_lock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _series_with_one_place_left():
    series = factories.SeriesFactory(registration_mode=Series.RegistrationMode.APPROVAL, capacity=2)
    factories.SessionFactory(series=series)
    taken = factories.UserFactory(verified=False)
    factories.EnrollmentFactory(user=taken, series=series)
    return series


def _requests(series, count):
    people = factories.UserFactory.create_batch(count, verified=False)
    return [services.ask_to_join(user=person, series=series, consent=True) for person in people]


def _two_approvals_for_the_last_place():
    series = _series_with_one_place_left()
    first, second = _requests(series, 2)
    reviewers = factories.UserFactory.create_batch(2, verified=False)
    decisions = [(reviewers[0], first), (reviewers[1], second)]
    all_at_once(lambda pair: services.approve_join_requests(request_ids=[pair[1].pk], by=pair[0]), decisions)
    statuses = sorted(Enrollment.objects.filter(user__in=[first.user, second.user]).values_list("status", flat=True))
    return statuses


def test_two_approvals_at_once_for_the_last_place_seat_one_and_waitlist_the_other(monkeypatch):
    _widen_window(monkeypatch, "active_enrollments")

    statuses = _two_approvals_for_the_last_place()

    print(f"\napproval race with lock: 2 approvals, 1 place -> {statuses}")
    assert statuses == ["active", "waitlisted"]


def test_the_approval_race_overbooks_without_the_lock(monkeypatch):
    _widen_window(monkeypatch, "active_enrollments")
    _without_series_lock(monkeypatch)

    outcomes = []
    for _round in range(3):
        statuses = _two_approvals_for_the_last_place()
        outcomes.append(statuses.count("active"))
        if statuses.count("active") > 1:
            break

    print(f"\napproval race without lock: 2 approvals, 1 place -> enrolled per round {outcomes}")
    assert max(outcomes) > 1, f"expected overbooking without the lock, got {outcomes}"


def test_two_reviewers_approving_one_request_at_once_enroll_and_email_once():
    series = _series_with_one_place_left()
    (join_request,) = _requests(series, 1)
    reviewers = factories.UserFactory.create_batch(2, verified=False)
    results = []

    all_at_once(
        lambda reviewer: results.append(services.approve_join_requests(request_ids=[join_request.pk], by=reviewer)),
        reviewers,
    )

    assert sorted((len(r.enrolled), len(r.already_decided)) for r in results) == [(0, 1), (1, 0)]
    assert Enrollment.objects.filter(user=join_request.user).count() == 1
    assert OutboundEmail.objects.filter(recipient=join_request.user.email).count() == 1
    assert JoinRequest.objects.get(pk=join_request.pk).state == JoinRequest.State.APPROVED


def test_self_registration_racing_an_approval_cannot_slip_into_the_last_place(monkeypatch):
    _widen_window(monkeypatch, "active_enrollments")
    series = _series_with_one_place_left()
    (join_request,) = _requests(series, 1)
    reviewer = factories.UserFactory(verified=False)
    outsiders = factories.UserFactory.create_batch(8, verified=False)
    session = Session.objects.get(series=series)
    refused = []

    def act(who):
        if who is reviewer:
            services.approve_join_requests(request_ids=[join_request.pk], by=reviewer)
            return
        try:
            if who.pk % 2:
                services.enroll(user=who, series=Series.objects.get(pk=series.pk), key=None)
            else:
                services.register(
                    user=who, sessions=[Session.objects.select_related("series").get(pk=session.pk)], consent=True
                )
        except services.EnrollmentError as error:
            refused.append(error.code)

    all_at_once(act, [reviewer, *outsiders])

    assert Enrollment.objects.get(user=join_request.user).status == Enrollment.Status.ACTIVE
    assert not Enrollment.objects.filter(user__in=outsiders).exists()
    assert refused == ["needs_approval"] * len(outsiders)
    assert Enrollment.objects.filter(series=series, status="active").count() == series.capacity
