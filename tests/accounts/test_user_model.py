import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_there_is_no_username():
    user = User.objects.create_user("Pat@Example.org", "pw-long-enough-123")
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username")
    assert User.objects.get_by_natural_key("pat@example.org") == user


def test_email_is_unique_case_insensitively():
    User.objects.create_user("pat@example.org", "x")
    with pytest.raises(IntegrityError):
        User.objects.create_user("PAT@example.org", "x")


def test_time_zone_defaults_from_province():
    assert User(province="BC").effective_time_zone == "America/Vancouver"
    assert User(province="NL").effective_time_zone == "America/St_Johns"
    assert User(province="").effective_time_zone == "America/Toronto"
    assert User(province="BC", time_zone="America/Halifax").effective_time_zone == "America/Halifax"


def test_superuser():
    admin = User.objects.create_superuser("root@example.org", "pw")
    assert admin.is_staff and admin.is_superuser


def test_calendar_token_is_secret_and_can_be_regenerated():
    user = User.objects.create_user("pat@example.org", "x")
    first = user.calendar_token
    assert len(first) >= 32
    user.regenerate_calendar_token()
    user.refresh_from_db()
    assert user.calendar_token != first
