"""Everyone with a hub role finds their way to its portal: the header menu, their profile and the hub's page.

Bob manages Northern Lakes, Fay facilitates it, Dana manages Prairie Coast; Alice (a member of a spoke)
and Charlie have no hub role and see no such link.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubs.models import HubMembership
from hubs.roles import remove_hub_role, set_hub_role
from tests import factories

from .conftest import manage_url

NORTHERN = "Manage Northern Lakes Palliative Hub (demo)"
PRAIRIE = "Manage Prairie Coast Hub (demo)"


def _header(html: str) -> str:
    return html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


def _link(hub) -> str:
    return f'href="{manage_url(hub, "dashboard")}"'


@pytest.mark.parametrize("person", ["hub_manager", "facilitator"])
def test_the_header_menu_leads_anyone_with_a_hub_role_to_its_portal(client, hub, person, request):
    client.force_login(request.getfixturevalue(person))

    header = _header(client.get(reverse("home")).content.decode())

    assert NORTHERN in header
    assert _link(hub) in header
    assert PRAIRIE not in header


def test_someone_with_roles_in_two_hubs_gets_one_link_for_each(client, hub, other_hub, hub_manager):
    factories.HubMembershipFactory(hub=other_hub, user=hub_manager, role="facilitator")
    client.force_login(hub_manager)

    header = _header(client.get(reverse("series:catalog")).content.decode())

    assert header.index(NORTHERN) < header.index(PRAIRIE)
    assert _link(other_hub) in header


def test_the_portal_marks_its_own_hub_as_the_current_page(client, hub, hub_manager):
    client.force_login(hub_manager)

    header = _header(client.get(manage_url(hub, "members")).content.decode())

    assert f'{_link(hub)} aria-current="page">{NORTHERN}' in header


@pytest.mark.parametrize("person", ["member", "outsider", "other_hub_manager"])
def test_people_without_a_role_in_the_hub_get_no_link_to_it(client, hub, person, request):
    client.force_login(request.getfixturevalue(person))

    for url in (reverse("home"), reverse("accounts:profile"), reverse("hubs:detail", args=[hub.slug])):
        html = client.get(url).content.decode()
        assert NORTHERN not in html
        assert _link(hub) not in html


def test_visitors_who_are_not_signed_in_get_no_link(client, hub, hub_manager):
    html = client.get(reverse("hubs:detail", args=[hub.slug])).content.decode()
    assert "Manage " not in html


def test_the_profile_lists_each_hub_with_the_viewers_role(client, hub, other_hub, hub_manager):
    factories.HubMembershipFactory(hub=other_hub, user=hub_manager, role="facilitator")
    client.force_login(hub_manager)

    html = client.get(reverse("accounts:profile")).content.decode()
    section = html.split('id="manage-hubs-heading"', 1)[1].split("</section>", 1)[0]

    assert "Hub partner portal" in section
    assert f'{_link(hub)}>{NORTHERN}</a> <span class="meta">(Manager)</span>' in section
    assert f'{_link(other_hub)}>{PRAIRIE}</a> <span class="meta">(Facilitator)</span>' in section


def test_the_hub_page_offers_its_managers_the_portal(client, hub, other_hub, hub_manager):
    client.force_login(hub_manager)

    own = client.get(reverse("hubs:detail", args=[hub.slug])).content.decode()
    other = client.get(reverse("hubs:detail", args=[other_hub.slug])).content.decode()

    main = own.split('<main id="main"', 1)[1]
    assert f"{_link(hub)}>{NORTHERN}</a> · your role: Manager" in main
    assert "Manage Prairie" not in other.split('<main id="main"', 1)[1]


def test_the_french_menu_says_gerer(client, hub, hub_manager):
    hub_manager.preferred_language = "fr"
    hub_manager.save()
    client.force_login(hub_manager)

    header = _header(client.get(reverse("home"), headers={"accept-language": "fr"}).content.decode())

    assert "Gérer Northern Lakes Palliative Hub (demo)" in header


def test_the_links_cost_one_query_however_many_places_show_them_then_none(client, hub, hub_manager):
    client.force_login(hub_manager)

    # The profile shows the hubs twice (header menu and its own list): they are read once, then kept.
    with CaptureQueriesContext(connection) as first:
        html = client.get(reverse("accounts:profile")).content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("home"))

    assert html.count(NORTHERN) == 2
    assert len([query for query in first if '"hubs_hubmembership"' in query["sql"]]) == 1
    assert not [query for query in again if '"hubs_hubmembership"' in query["sql"]]


def test_a_role_just_granted_shows_on_the_next_page(client, hub, other_hub, hub_manager):
    client.force_login(hub_manager)
    assert PRAIRIE not in _header(client.get(reverse("home")).content.decode())  # now kept in the cache

    set_hub_role(hub=other_hub, user=hub_manager, role="facilitator")

    assert PRAIRIE in _header(client.get(reverse("home")).content.decode())


def test_a_role_taken_away_leaves_the_menu_at_once(client, hub, hub_manager):
    client.force_login(hub_manager)
    assert NORTHERN in _header(client.get(reverse("home")).content.decode())

    remove_hub_role(hub=hub, user=hub_manager)

    assert NORTHERN not in _header(client.get(reverse("home")).content.decode())


def test_a_role_changed_in_admin_shows_at_once(client, hub, hub_manager):
    client.force_login(hub_manager)
    assert "(Manager)" in client.get(reverse("accounts:profile")).content.decode()

    HubMembership.objects.get(hub=hub, user=hub_manager).delete()  # the admin's delete: one row, its signal
    factories.HubMembershipFactory(hub=hub, user=hub_manager, role="facilitator")

    assert "(Facilitator)" in client.get(reverse("accounts:profile")).content.decode()


def test_a_hub_renamed_shows_its_new_name_in_the_menu(client, hub, hub_manager):
    client.force_login(hub_manager)
    client.get(reverse("home"))

    hub.name = "Northern Lakes Hospice Hub"
    hub.save()

    assert "Manage Northern Lakes Hospice Hub" in _header(client.get(reverse("home")).content.decode())


def test_each_language_keeps_its_own_hub_names(client, hub, hub_manager, django_capture_on_commit_callbacks):
    hub.name_fr = "Carrefour des Grands Lacs du Nord"
    hub.save()
    client.force_login(hub_manager)
    client.get(reverse("home"), headers={"accept-language": "en"})

    hub_manager.preferred_language = "fr"
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: their kept row is dropped
        hub_manager.save()
    header = _header(client.get(reverse("home")).content.decode())

    assert "Gérer Carrefour des Grands Lacs du Nord" in header
