import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests make many accounts; hashing each password properly (about half a second) would dominate."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
