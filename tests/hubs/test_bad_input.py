"""No bad input makes a hub page fail: junk in every parameter of every hub URL gives a page, never a 500."""

import pytest
from django.urls import reverse

from tests.hubs.conftest import make_invitation, requested
from tests.hubs.test_isolation import PORTAL_OBJECTS, _objects

JUNK = ["", " ", "0", "-1", "99999999999999999999", "abc", "2026-02-30", "<script>", "' OR 1=1 --", "\x00", "é" * 300]


@pytest.fixture
def own(hub, spoke):
    return _objects(hub, spoke, "alice@example.org")


@pytest.mark.parametrize("name", sorted(PORTAL_OBJECTS))
def test_junk_parameters_never_fail_a_portal_page(manager_client, hub, own, name):
    kind = PORTAL_OBJECTS[name]
    url = reverse(f"hubs:manage:{name}", args=[hub.slug] if kind is None else [hub.slug, own[kind].pk])
    for value in JUNK:
        fields = {
            key: value for key in ("from", "to", "spoke", "page", "email", "name", "kind", "province", "language")
        }
        get = manager_client.get(url, fields)
        assert get.status_code < 500, (name, value)
        post = manager_client.post(url, fields)
        assert post.status_code < 500, (name, value)


def test_junk_never_fails_the_public_membership_pages(client, clinician, hub, spoke):
    client.force_login(clinician)
    invitation = make_invitation(spoke, "alice@example.org")
    requested(spoke, clinician)
    for value in JUNK:
        assert client.post(reverse("hubs:join", args=[hub.slug]), {"spoke": value}).status_code < 500
        assert client.post(reverse("hubs:join", args=[hub.slug]), {"leave": value}).status_code < 500
        token = value.strip("\x00") or "x"
        assert client.get(reverse("hubs:invitation", args=[token])).status_code < 500
    assert client.get(reverse("hubs:invitation", args=[invitation.token])).status_code == 200
