"""The admin's own login form is rate-limited like allauth's: guessing stops with a clear 429."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

WRONG = "not the password"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Dozens of sign-in attempts per test: a cheap hasher keeps them fast (the limit does not depend on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"), {"username": email, "password": password}, REMOTE_ADDR=address, follow=False
    )


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(client, staff, password, enable_cache):
    for _ in range(5):
        assert _login(client, staff.email, WRONG).status_code == 200  # the form again, with its error

    blocked = _login(client, staff.email, password)

    assert blocked.status_code == 429
    # Fifteen minutes from the fifth failure: the seconds already gone on a busy machine are not a defect.
    assert 15 * 60 - 60 < int(blocked["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-in attempts" in blocked.content.decode()
    assert "15 minutes" in blocked.content.decode()
    assert "_auth_user_id" not in client.session  # even the right password is not tried while locked


def test_the_account_limit_ignores_case_and_spaces_and_applies_from_any_address(client, staff, enable_cache):
    for attempt in range(5):
        _login(client, f"  {staff.email.upper()} ", WRONG, address=f"198.51.100.{attempt}")

    assert _login(client, staff.email, WRONG, address="192.0.2.99").status_code == 429


def test_twenty_failures_from_one_address_block_it_for_an_hour(client, staff, password, enable_cache):
    for n in range(20):
        assert _login(client, f"guess{n}@example.org", WRONG).status_code == 200

    assert _login(client, staff.email, password).status_code == 429
    # Another address is not affected, and the staff member signs in there.
    assert _login(client, staff.email, password, address="198.51.100.20").status_code == 302


def test_signing_in_correctly_counts_nothing(client, staff, password, enable_cache):
    for _ in range(8):
        assert _login(client, staff.email, password).status_code == 302
        client.logout()


def test_the_limit_page_is_in_french_for_a_french_visitor(client, staff, enable_cache):
    for _ in range(5):
        _login(client, staff.email, WRONG)

    blocked = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": WRONG},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert blocked.status_code == 429
    assert 'lang="fr"' in blocked.content.decode()
    assert "Trop de tentatives" in blocked.content.decode()


def test_other_pages_and_allauth_login_are_not_affected(client, staff, enable_cache):
    for _ in range(6):
        _login(client, staff.email, WRONG)

    assert client.get(reverse("admin:login")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.redis
def test_the_limit_is_shared_by_every_web_process_through_redis(client, staff, redis_cache):
    for _ in range(5):
        _login(client, staff.email, WRONG)

    assert _login(client, staff.email, WRONG).status_code == 429
