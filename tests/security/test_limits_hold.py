"""Limits hold however the name is spelt and however many requests arrive at once.

Reproduced before the fix: five wrong passwords locked admin@example.org, but ａdmin@example.org (a full-width
"a", which the login form turns back into "admin@example.org") signed in and started a fresh counter; twelve
wrong enrollment keys sent at once from one fresh account were 8 processed against a limit of 5, because the
limiter read the count and incremented it later.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core import ratelimit
from enrollment import services
from enrollment.models import Enrollment
from series.models import Series
from tests import factories

WRONG = "not the password"


def _admin_login(client, email, password, address="203.0.113.7"):
    return client.post(reverse("admin:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling", ["ａdmin@example.org", "ADMIN@EXAMPLE.ORG", " Admin@example.org ", "ａｄｍｉｎ@ｅｘａｍｐｌｅ.ｏｒｇ"]
)
def test_another_spelling_of_a_locked_account_is_still_locked(client, password, enable_cache, spelling):
    factories.UserFactory(email="admin@example.org", password=password, is_staff=True, is_superuser=True)
    for attempt in range(5):
        assert _admin_login(client, "admin@example.org", WRONG, address=f"198.51.100.{attempt}").status_code == 200

    response = _admin_login(client, spelling, password, address="192.0.2.10")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_admin_sign_in_does_not_count_against_the_account(client, password, enable_cache):
    factories.UserFactory(email="admin@example.org", password=password, is_staff=True, is_superuser=True)
    for _ in range(4):
        _admin_login(client, "admin@example.org", WRONG)
    assert _admin_login(client, "ａdmin@example.org", password).status_code == 302
    client.logout()

    assert _admin_login(client, "admin@example.org", WRONG).status_code == 200  # the fifth failure, not a sixth
    assert _admin_login(client, "admin@example.org", password).status_code == 429


def test_every_limit_key_is_the_identity_authentication_compares():
    limit = ratelimit.Limit("test", attempts=1, window_seconds=60)

    keys = {
        ratelimit.counter(limit, name).key for name in ["ａdmin@example.org", " ADMIN@example.org", "admin@example.org"]
    }

    assert len(keys) == 1
    assert ratelimit.counter(limit, "other@example.org").key not in keys


def test_windows_follow_the_clock_without_waiting(enable_cache, ratelimit_clock):
    counters = [ratelimit.counter(ratelimit.Limit("test", attempts=2, window_seconds=60), "alice")]
    assert ratelimit.consume(counters).allowed
    ratelimit_clock.advance(30)
    assert ratelimit.consume(counters).allowed
    refused = ratelimit.consume(counters)
    assert not refused.allowed and refused.lockout.seconds_left == 30

    ratelimit_clock.advance(30)

    assert ratelimit.consume(counters).allowed


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_wrong_keys_at_once_from_one_account_are_at_most_five_processed(
    clinician, redis_cache, settings, monkeypatch
):
    settings.ENROLLMENT_KEY_FAILURES_PER_USER = 5
    settings.ENROLLMENT_KEY_FAILURES_PER_ADDRESS = 1000
    series = factories.SeriesFactory(slug="ltc", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=series)
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    requests = 30
    state = threading.Condition()
    counts = {"processed": 0, "answered": 0}
    real_enroll = services.enroll

    def slow_enroll(**kwargs):
        # Every key that reaches the check waits here until each other request is either here too or answered:
        # a limiter that reads first and counts afterwards lets them all in; one that counts first, only five.
        with state:
            counts["processed"] += 1
            state.notify_all()
            state.wait_for(lambda: counts["processed"] + counts["answered"] >= requests, timeout=30)
        return real_enroll(**kwargs)

    monkeypatch.setattr(services, "enroll", slow_enroll)
    signed_in = Client()
    signed_in.force_login(clinician)
    session_cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    start = threading.Barrier(requests)
    statuses: list[int] = []

    def guess(number: int):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
        start.wait()
        try:
            response = client.post(
                reverse("enrollment:enroll", args=[series.slug]), {"key": f"WRONG{number}"}, REMOTE_ADDR="203.0.113.7"
            )
            statuses.append(response.status_code)
        finally:
            with state:
                counts["answered"] += 1
                state.notify_all()
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == requests
    assert counts["processed"] <= 5
    assert statuses.count(200) == counts["processed"]  # the form again with "wrong key"
    assert statuses.count(429) == requests - counts["processed"]
    assert not Enrollment.objects.exists()
