import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Fan-out tests create many users: a fast hasher keeps them quick (security of test passwords is moot)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
