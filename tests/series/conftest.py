import pytest


@pytest.fixture
def staff_client(client, staff):
    """A browser signed in as programme staff (a superuser)."""
    client.force_login(staff)
    return client
