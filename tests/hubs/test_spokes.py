"""A manager adds, edits, archives and unarchives the hub's spokes."""

import pytest

from hubs.models import Spoke
from tests.hubs.conftest import manage_url

NEW_SPOKE = {
    "name": "Maple Grove Long-Term Care Home",
    "kind": "long_term_care",
    "province": "ON",
    "rural_remote": "on",
    "contact_name": "Grace Director",
    "contact_email": "grace@maplegrove.example.org",
}


def test_manager_adds_a_spoke(manager_client, hub):
    response = manager_client.post(manage_url(hub, "spoke_create"), NEW_SPOKE, follow=True)

    spoke = Spoke.objects.get(name="Maple Grove Long-Term Care Home")
    assert spoke.hub == hub
    assert spoke.kind == Spoke.Kind.LONG_TERM_CARE
    assert spoke.rural_remote is True
    assert spoke.contact_email == "grace@maplegrove.example.org"
    assert "The spoke “Maple Grove Long-Term Care Home” was added." in response.content.decode()
    assert "Maple Grove Long-Term Care Home" in manager_client.get(manage_url(hub, "spokes")).content.decode()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        ({"kind": "castle"}, "kind", "Select a valid choice."),
        ({"province": "XX"}, "province", "Select a valid choice."),
        ({"contact_email": "not an email"}, "contact_email", "Enter a valid email address."),
        ({"name": "x" * 300}, "name", "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_spoke_input_is_explained_and_saves_nothing(manager_client, hub, changes, field, message):
    response = manager_client.post(manage_url(hub, "spoke_create"), {**NEW_SPOKE, **changes})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert 'aria-describedby="id_' + field in response.content.decode()
    assert not Spoke.objects.exists()


def test_manager_edits_a_spoke(manager_client, hub, spoke):
    page = manager_client.get(manage_url(hub, "spoke_edit", spoke.pk))
    assert "Lakeside Long-Term Care Home" in page.content.decode()

    manager_client.post(manage_url(hub, "spoke_edit", spoke.pk), {**NEW_SPOKE, "name": "Lakeside LTC (renamed)"})

    spoke.refresh_from_db()
    assert spoke.name == "Lakeside LTC (renamed)"
    assert spoke.contact_name == "Grace Director"


def test_manager_archives_and_unarchives_a_spoke(manager_client, hub, spoke):
    response = manager_client.post(manage_url(hub, "spoke_archive", spoke.pk), follow=True)
    spoke.refresh_from_db()
    assert spoke.archived_at is not None
    assert "was archived" in response.content.decode()
    # Archived spokes cannot be invited to.
    assert spoke not in manager_client.get(manage_url(hub, "invite")).context["form"].fields["spoke"].queryset

    response = manager_client.post(manage_url(hub, "spoke_archive", spoke.pk), follow=True)
    assert "was already archived" in response.content.decode()

    manager_client.post(manage_url(hub, "spoke_unarchive", spoke.pk))
    spoke.refresh_from_db()
    assert spoke.archived_at is None


def test_archiving_by_get_changes_nothing(manager_client, hub, spoke):
    assert manager_client.get(manage_url(hub, "spoke_archive", spoke.pk)).status_code == 405
    spoke.refresh_from_db()
    assert spoke.archived_at is None
