"""Guessing keys is limited per account and per client address; past the limit even the right key waits."""

import pytest
from django.urls import reverse

from enrollment.models import Enrollment
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.ENROLLMENT_KEY_FAILURES_PER_USER = 5
    settings.ENROLLMENT_KEY_USER_WINDOW_SECONDS = 15 * 60
    settings.ENROLLMENT_KEY_FAILURES_PER_ADDRESS = 20
    settings.ENROLLMENT_KEY_ADDRESS_WINDOW_SECONDS = 60 * 60
    return settings


@pytest.fixture
def ltc():
    series = factories.SeriesFactory(slug="ltc", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=series)
    factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    return series


def _guess(client, series, key, address="203.0.113.7"):
    return client.post(reverse("enrollment:enroll", args=[series.slug]), {"key": key}, REMOTE_ADDR=address)


def _assert_locked(response, *, minutes_text):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Too many wrong keys" in html
    assert minutes_text in html


def test_five_wrong_keys_lock_the_account_even_for_the_right_key(client, clinician, ltc, limits, enable_cache):
    client.force_login(clinician)
    for attempt in range(5):
        response = _guess(client, ltc, f"WRONG{attempt}")
        assert response.status_code == 200, attempt

    locked = _guess(client, ltc, "ltc2122")

    _assert_locked(locked, minutes_text="14\xa0minutes")
    assert int(locked["Retry-After"]) <= 15 * 60
    assert not Enrollment.objects.exists()


def test_the_lock_is_per_account_not_per_series(client, clinician, ltc, limits, enable_cache):
    other = factories.SeriesFactory(slug="heart", registration_mode=Series.RegistrationMode.KEY)
    factories.SessionFactory(series=other)
    client.force_login(clinician)
    for attempt in range(5):
        _guess(client, ltc, f"WRONG{attempt}")

    assert _guess(client, other, "HEART22").status_code == 429
    assert client.post(reverse("enrollment:enroll_by_key"), {"key": "LTC2122"}).status_code == 429


def test_another_account_is_not_locked_by_someone_elses_guesses(client, clinician, outsider, ltc, limits, enable_cache):
    client.force_login(outsider)
    for attempt in range(5):
        _guess(client, ltc, f"WRONG{attempt}", address="198.51.100.1")

    client.force_login(clinician)
    response = _guess(client, ltc, "ltc2122", address="198.51.100.2")

    assert response.status_code == 302
    assert Enrollment.objects.filter(user=clinician).exists()


def test_twenty_wrong_keys_from_one_address_lock_that_address_for_everyone(client, ltc, limits, enable_cache):
    users = factories.UserFactory.create_batch(5)
    for user in users[:4]:
        client.force_login(user)
        for attempt in range(5):
            _guess(client, ltc, f"WRONG{attempt}")

    client.force_login(users[4])
    locked = _guess(client, ltc, "LTC2122")

    _assert_locked(locked, minutes_text="59\xa0minutes")
    assert not Enrollment.objects.exists()
    assert _guess(client, ltc, "LTC2122", address="192.0.2.99").status_code == 302


def test_the_lock_ends_with_its_window(client, clinician, ltc, limits, enable_cache, ratelimit_clock):
    client.force_login(clinician)
    for attempt in range(5):
        _guess(client, ltc, f"WRONG{attempt}")
    ratelimit_clock.advance(15 * 60 - 1)
    assert _guess(client, ltc, "LTC2122").status_code == 429

    ratelimit_clock.advance(1)
    assert _guess(client, ltc, "LTC2122").status_code == 302


def test_the_wait_is_told_in_french_to_a_french_speaker(client, ltc, limits, enable_cache):
    francophone = factories.UserFactory(preferred_language="fr")
    client.force_login(francophone)
    for attempt in range(5):
        _guess(client, ltc, f"FAUX{attempt}")

    locked = _guess(client, ltc, "LTC2122")

    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Trop de clés erronées" in html
    assert "14\xa0minutes" in html


@pytest.mark.redis
def test_the_limit_holds_in_the_shared_redis_cache(client, clinician, ltc, limits, redis_cache):
    from enrollment.key_limits import _counters

    per_user = _counters(user_id=clinician.pk, client_address="")[0]
    client.force_login(clinician)
    try:
        for attempt in range(5):
            assert _guess(client, ltc, f"WRONG{attempt}").status_code == 200
        assert _guess(client, ltc, "LTC2122").status_code == 429
        assert redis_cache.get(f"{per_user.key}:0") == 5  # the refused attempt was given back
    finally:
        redis_cache.delete_many([f"{per_user.key}:0", f"{per_user.key}:anchor"])
    assert not Enrollment.objects.exists()
