"""The manager role carries the hub's scoped admin: given in admin or by command, taken away the same way.

Staff (a superuser) give Bob a role in Northern Lakes through the hub's own admin page (its memberships
inline) or the hub memberships admin; Bob then edits his hub's programming in admin, and only that.
Programme staff who also manage a hub keep their own admin rights when the hub role goes.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from hubs import roles
from hubs.models import HubMembership
from tests import factories


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def bob(db):
    return factories.UserFactory(email="bob@example.org", first_name="Bob", last_name="Manager")


def _has_scoped_admin(user) -> bool:
    user.refresh_from_db()
    return user.is_staff and list(user.groups.values_list("name", flat=True)) == [roles.HUB_MANAGERS_GROUP]


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _hub_form(hub, rows):
    """The hub's change form as admin posts it, with its memberships inline holding `rows`."""
    data = {
        "name_en": hub.name,
        "slug": hub.slug,
        "kind": hub.kind,
        "region_en": hub.region,
        "province": hub.province,
        "description_en": "",
        "website": "",
        "contact_email": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"memberships-{index}-{field}"] = value
        data[f"memberships-{index}-hub"] = hub.pk
    return data


def test_adding_a_manager_on_the_hub_page_lets_them_into_their_hubs_admin(staff_client, hub, bob):
    url = reverse("admin:hubs_hub_change", args=[hub.pk])

    response = staff_client.post(url, _hub_form(hub, [{"user": bob.pk, "role": "manager"}]), follow=True)

    assert response.status_code == 200
    assert HubMembership.objects.filter(hub=hub, user=bob, role="manager").exists()
    assert _has_scoped_admin(bob)
    assert "bob@example.org can now edit their hub’s programming in admin." in _messages(response)

    # Bob signs in to admin and sees series there (his hub's only; test_admin_programming covers the scope).
    staff_client.force_login(bob)
    assert staff_client.get(reverse("admin:series_series_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_deleting_the_managers_row_on_the_hub_page_takes_the_access_away(staff_client, hub, bob):
    membership = roles.set_hub_role(hub=hub, user=bob, role="manager")
    assert _has_scoped_admin(bob)
    url = reverse("admin:hubs_hub_change", args=[hub.pk])

    row = {"id": membership.pk, "user": bob.pk, "role": "manager", "DELETE": "on"}
    response = staff_client.post(url, _hub_form(hub, [row]), follow=True)

    assert response.status_code == 200
    assert not HubMembership.objects.filter(hub=hub, user=bob).exists()
    bob.refresh_from_db()
    assert not bob.is_staff
    assert not bob.groups.exists()
    assert "bob@example.org no longer has the hub managers’ admin access." in _messages(response)


def test_the_hub_memberships_admin_grants_on_add_and_revokes_on_a_change_to_facilitator(staff_client, hub, bob):
    add = staff_client.post(
        reverse("admin:hubs_hubmembership_add"), {"hub": hub.pk, "user": bob.pk, "role": "manager"}, follow=True
    )
    assert add.status_code == 200
    assert _has_scoped_admin(bob)

    membership = HubMembership.objects.get(hub=hub, user=bob)
    change = staff_client.post(
        reverse("admin:hubs_hubmembership_change", args=[membership.pk]),
        {"hub": hub.pk, "user": bob.pk, "role": "facilitator"},
        follow=True,
    )

    assert change.status_code == 200
    bob.refresh_from_db()
    assert not bob.is_staff and not bob.groups.exists()
    # A facilitator keeps the hub's portal (dashboard, members), not its admin.
    staff_client.force_login(bob)
    assert staff_client.get(reverse("hubs:manage:dashboard", args=[hub.slug])).status_code == 200
    assert staff_client.get(reverse("admin:series_series_changelist")).status_code == 302


def test_reassigning_a_managers_row_to_someone_else_moves_the_access(staff_client, hub, bob, outsider):
    membership = roles.set_hub_role(hub=hub, user=bob, role="manager")

    staff_client.post(
        reverse("admin:hubs_hubmembership_change", args=[membership.pk]),
        {"hub": hub.pk, "user": outsider.pk, "role": "manager"},
    )

    assert _has_scoped_admin(outsider)
    bob.refresh_from_db()
    assert not bob.is_staff


def test_deleting_memberships_from_the_list_takes_the_access_away(staff_client, hub, other_hub, bob):
    roles.set_hub_role(hub=hub, user=bob, role="manager")
    roles.set_hub_role(hub=other_hub, user=bob, role="manager")
    first = HubMembership.objects.get(hub=hub, user=bob)
    changelist = reverse("admin:hubs_hubmembership_changelist")

    staff_client.post(changelist, {"action": "delete_selected", "_selected_action": [first.pk], "post": "yes"})
    assert _has_scoped_admin(bob), "still the manager of Prairie Coast"

    rest = HubMembership.objects.filter(user=bob).values_list("pk", flat=True)
    staff_client.post(changelist, {"action": "delete_selected", "_selected_action": list(rest), "post": "yes"})
    bob.refresh_from_db()
    assert not bob.is_staff and not bob.groups.exists()


def test_deleting_a_hub_takes_its_managers_access_away(staff_client, bob):
    empty = factories.HubFactory(name="Closed Hub", slug="closed-hub")
    roles.set_hub_role(hub=empty, user=bob, role="manager")

    response = staff_client.post(reverse("admin:hubs_hub_delete", args=[empty.pk]), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    bob.refresh_from_db()
    assert not bob.is_staff and not bob.groups.exists()
    assert "bob@example.org no longer has the hub managers’ admin access." in _messages(response)


def test_programme_staff_keep_their_own_admin_rights_when_a_hub_role_goes(hub):
    editor = factories.UserFactory(email="editor@example.org", is_staff=True)
    editor.groups.add(Group.objects.create(name="Programme editors"))
    roles.set_hub_role(hub=hub, user=editor, role="manager")

    roles.remove_hub_role(hub=hub, user=editor)

    editor.refresh_from_db()
    assert editor.is_staff
    assert list(editor.groups.values_list("name", flat=True)) == ["Programme editors"]


def test_the_command_gives_and_takes_the_role_and_its_access(hub, bob, capsys):
    call_command("set_hub_role", "BOB@example.org", hub.slug)
    assert _has_scoped_admin(bob)
    assert "bob@example.org is now manager of Northern Lakes" in capsys.readouterr().out

    call_command("set_hub_role", "bob@example.org", hub.slug, "--role", "facilitator")
    bob.refresh_from_db()
    assert HubMembership.objects.get(hub=hub, user=bob).role == "facilitator"
    assert not bob.is_staff

    call_command("set_hub_role", "bob@example.org", hub.slug, "--role", "manager")
    call_command("set_hub_role", "bob@example.org", hub.slug, "--remove")
    bob.refresh_from_db()
    assert not HubMembership.objects.filter(user=bob).exists()
    assert not bob.is_staff and not bob.groups.exists()


def test_the_command_refuses_what_it_cannot_do_and_changes_nothing(hub, bob):
    with pytest.raises(CommandError, match="No account uses"):
        call_command("set_hub_role", "nobody@example.org", hub.slug)
    with pytest.raises(CommandError, match="No hub has the slug"):
        call_command("set_hub_role", "bob@example.org", "no-such-hub")
    with pytest.raises(CommandError, match="has no role in"):
        call_command("set_hub_role", "bob@example.org", hub.slug, "--remove")
    with pytest.raises(CommandError):
        call_command("set_hub_role", "bob@example.org", hub.slug, "--role", "owner")
    bob.refresh_from_db()
    assert not bob.is_staff and not HubMembership.objects.filter(user=bob).exists()
