"""Hub managers in Django admin: let in by one service, restricted to their hubs by HubScopedAdminMixin.

These tests use the hubs app's own admin (spokes, spoke memberships), which uses the mixin like the
series, sessions and enrollment admins do; test_admin_programming.py covers those.
"""

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from hubs import services
from hubs.admin_scoping import HubScopedAdminMixin
from hubs.models import Spoke
from series.models import Series
from sessions.models import Presenter, Resource, Session
from tests import factories


def _allow(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="hubs", codename__in=codenames))


@pytest.fixture
def admin_client(client, hub_manager):
    _allow(hub_manager, "view_spoke", "change_spoke", "add_spoke", "view_spokemembership")
    client.force_login(hub_manager)
    return client


def test_granting_admin_access_makes_a_manager_staff_in_the_hub_managers_group(hub_manager):
    services.grant_hub_manager_admin(user=hub_manager)
    services.grant_hub_manager_admin(user=hub_manager)  # idempotent

    hub_manager.refresh_from_db()
    assert hub_manager.is_staff
    assert not hub_manager.is_superuser
    assert list(hub_manager.groups.values_list("name", flat=True)) == ["Hub managers"]
    perms = hub_manager.get_all_permissions()
    assert {"series.change_series", "echo_sessions.add_session", "enrollment.add_enrollmentkey"} <= perms
    assert "enrollment.view_registration" in perms
    assert "accounts.view_user" not in perms
    assert "series.delete_series" not in perms
    assert "hubs.view_all_hubs" not in perms


def test_the_group_exists_after_migrate_with_its_permissions(db):
    group = Group.objects.get(name="Hub managers")
    assert group.permissions.filter(codename="change_series").exists()


def test_only_managers_can_be_granted_admin_access(clinician, facilitator):
    for user in (clinician, facilitator):
        with pytest.raises(ValidationError):
            services.grant_hub_manager_admin(user=user)
        user.refresh_from_db()
        assert not user.is_staff


def test_the_management_command_grants_access(hub_manager, clinician, capsys):
    call_command("grant_hub_manager_admin", "BOB@example.org")
    hub_manager.refresh_from_db()
    assert hub_manager.is_staff
    with pytest.raises(CommandError, match="No account uses"):
        call_command("grant_hub_manager_admin", "nobody@example.org")
    with pytest.raises(CommandError, match="Only a manager"):
        call_command("grant_hub_manager_admin", "alice@example.org")


def test_changelist_shows_only_the_managers_hub(admin_client, spoke, other_spoke):
    response = admin_client.get(reverse("admin:hubs_spoke_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [spoke]
    assert "Coastal Paramedic Service" not in response.content.decode()


def test_another_hubs_change_page_is_a_404_on_get_and_post(admin_client, other_spoke):
    url = reverse("admin:hubs_spoke_change", args=[other_spoke.pk])
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url, {"name": "Taken", "kind": "other", "hub": other_spoke.hub_id}).status_code == 404
    assert admin_client.get(reverse("admin:hubs_spoke_history", args=[other_spoke.pk])).status_code == 404
    other_spoke.refresh_from_db()
    assert other_spoke.name == "Coastal Paramedic Service"


def test_foreign_key_choices_are_limited_to_the_managers_hubs(admin_client, hub, other_hub):
    form = admin_client.get(reverse("admin:hubs_spoke_add")).context["adminform"].form
    assert list(form.fields["hub"].queryset) == [hub]

    response = admin_client.post(
        reverse("admin:hubs_spoke_add"), {"name": "Planted", "kind": "other", "hub": other_hub.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Spoke.objects.filter(name="Planted").exists()


def test_people_outside_the_managers_spokes_are_not_offered(admin_client, hub, member, other_member, outsider):
    form = admin_client.get(reverse("admin:hubs_spokemembership_changelist"))
    assert form.status_code == 200
    assert "erin@example.org" not in form.content.decode()


@pytest.mark.parametrize("national", ["superuser", "view_all_hubs"])
def test_national_staff_see_every_hub(client, spoke, other_spoke, national):
    user = factories.UserFactory(email="national@example.org", is_staff=True, is_superuser=national == "superuser")
    _allow(user, "view_spoke", "change_spoke", "view_all_hubs")
    client.force_login(user)
    response = client.get(reverse("admin:hubs_spoke_changelist"))
    assert set(response.context["cl"].result_list) == {spoke, other_spoke}
    assert client.get(reverse("admin:hubs_spoke_change", args=[other_spoke.pk])).status_code == 200


def test_a_manager_without_admin_access_cannot_reach_admin(client, hub_manager, spoke):
    client.force_login(hub_manager)
    response = client.get(reverse("admin:hubs_spoke_change", args=[spoke.pk]))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.django_db
def test_each_model_says_once_what_hub_managers_may_do_and_the_group_follows():
    services.ensure_hub_managers_group()
    granted = set(
        Group.objects.get(name=services.HUB_MANAGERS_GROUP).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )

    assert django_admin.site._registry[Series].hub_manager_actions == ("view", "add", "change")
    assert {("series", "change_series"), ("echo_sessions", "add_presenter")} <= granted
    assert ("series", "delete_series") not in granted and ("enrollment", "change_registration") not in granted
    assert django_admin.site._registry[Presenter].hub_manager_actions == ("view", "add")


def test_an_inline_that_would_skip_the_hub_scope_is_a_configuration_error():
    class BareInline(django_admin.TabularInline):
        model = Resource

    class CarelessAdmin(HubScopedAdminMixin, django_admin.ModelAdmin):
        hub_lookup = "series__hub"
        inlines = [BareInline]

    with pytest.raises(ImproperlyConfigured, match="HubScopedInlineMixin"):
        CarelessAdmin(Session, django_admin.AdminSite(name="careless"))
