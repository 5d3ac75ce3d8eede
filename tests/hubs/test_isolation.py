"""The point of the hub portal: a manager of one hub never reaches another hub's objects or people.

Bob manages Northern Lakes; Dana manages Prairie Coast. Bob tries every portal URL with Prairie Coast's
objects, by GET and by POST: each is a 404 and nothing of Prairie Coast changes. The test introspects the
hub URLconf, so a new URL that nobody added here fails `test_every_hub_url_is_covered`.

URLs covered (each with another hub's slug, and with this hub's slug and another hub's object, GET and POST):
    /hubs/<slug>/manage/                                        dashboard
    /hubs/<slug>/manage/export.csv                              export
    /hubs/<slug>/manage/spokes/                                 spokes
    /hubs/<slug>/manage/spokes/new/                             spoke_create
    /hubs/<slug>/manage/spokes/<spoke_id>/edit/                 spoke_edit
    /hubs/<slug>/manage/spokes/<spoke_id>/archive/              spoke_archive
    /hubs/<slug>/manage/spokes/<spoke_id>/unarchive/            spoke_unarchive
    /hubs/<slug>/manage/members/                                members (and its ?spoke= filter)
    /hubs/<slug>/manage/members/<member_id>/                    member_detail
    /hubs/<slug>/manage/memberships/<membership_id>/approve/    membership_approve
    /hubs/<slug>/manage/memberships/<membership_id>/decline/    membership_decline
    /hubs/<slug>/manage/memberships/<membership_id>/remove/     membership_remove
    /hubs/<slug>/manage/series-requests/                        join_requests (and its ?series= filter)
    /hubs/<slug>/manage/series-requests/decide/                 join_requests_decide (and foreign ids posted)
    /hubs/<slug>/manage/invitations/new/                        invite (and a foreign spoke in its form)
    /hubs/<slug>/manage/invitations/<invitation_id>/revoke/     invitation_revoke
    /hubs/<slug>/manage/invitation-only/                        invitation_series
    /hubs/<slug>/manage/invitation-only/<series_id>/            series_invitations (preview and send)
    /hubs/<slug>/manage/invitation-only/<series_id>/send-again/ series_invitations_resend
    /hubs/<slug>/manage/invitation-only/<series_id>/invitations.csv  series_invitations_export
Public by design: /hubs/, /hubs/<slug>/, /hubs/<slug>/join/, /hubs/spokes/mine/, /hubs/invitations/<token>/.
Admin change pages are covered in test_admin_access.py and test_admin_programming.py.
"""

import pytest
from django.urls import URLPattern, URLResolver, reverse

from enrollment.models import SeriesInvitation
from hubs import urls as hub_urls
from hubs.models import Spoke, SpokeInvitation, SpokeMembership
from series.models import Series
from tests import factories
from tests.hubs.conftest import make_invitation, requested

# Portal pattern name -> which object of the hub fills its id (None: the hub's slug is the only argument).
PORTAL_OBJECTS = {
    "dashboard": None,
    "export": None,
    "spokes": None,
    "spoke_create": None,
    "spoke_edit": "spoke",
    "spoke_archive": "spoke",
    "spoke_unarchive": "archived_spoke",
    "members": None,
    "member_detail": "member",
    "membership_approve": "request",
    "membership_decline": "request",
    "membership_remove": "membership",
    "join_requests": None,
    "join_requests_decide": None,
    "invite": None,
    "invitation_revoke": "invitation",
    "invitation_series": None,
    "series_invitations": "private_series",
    "series_invitations_resend": "private_series",
    "series_invitations_export": "private_series",
}
# Public hub pages: a slug that any visitor may use (or a secret token), not a manager's scoped object.
PUBLIC = {"list", "detail", "join", "invitation", "my_spokes"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from _walk(entry.url_patterns, prefix + namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + entry.name, entry


def test_every_hub_url_is_covered():
    names = {name for name, _pattern in _walk(hub_urls.urlpatterns)}
    covered = {f"manage:{name}" for name in PORTAL_OBJECTS} | PUBLIC
    assert names == covered, "add the new hub URL to PORTAL_OBJECTS (and prove it 404s for another hub) or PUBLIC"


def test_covered_urls_take_the_arguments_the_table_says():
    for name, pattern in _walk(hub_urls.urlpatterns):
        if name.startswith("manage:"):
            object_kind = PORTAL_OBJECTS[name.removeprefix("manage:")]
            assert bool(pattern.pattern.converters) == (object_kind is not None), name


def _objects(hub, spoke, clinician_email):
    member = factories.UserFactory(email=clinician_email)
    membership = factories.SpokeMembershipFactory(spoke=spoke, user=member)
    archived = factories.SpokeFactory(hub=hub, name=f"Archived {spoke.name}")
    Spoke.objects.filter(pk=archived.pk).update(archived_at="2026-01-01T00:00:00Z")
    asker = factories.UserFactory(email=f"asker-{clinician_email}")
    session = factories.SessionFactory(series=factories.SeriesFactory(hub=hub))
    factories.RegistrationFactory(user=member, session=session)
    private_series = factories.SeriesFactory(hub=hub, registration_mode=Series.RegistrationMode.INVITATION)
    SeriesInvitation.objects.create(series=private_series, email=f"private-{clinician_email}")
    return {
        "private_series": private_series,
        "spoke": spoke,
        "archived_spoke": archived,
        "member": member,
        "membership": membership,
        "request": requested(spoke, asker),
        "invitation": make_invitation(spoke, f"invited-{clinician_email}"),
    }


@pytest.fixture
def foreign(other_hub, other_spoke):
    return _objects(other_hub, other_spoke, "erin@example.org")


@pytest.fixture
def own(hub, spoke):
    return _objects(hub, spoke, "alice@example.org")


def _url(hub, name, objects):
    kind = PORTAL_OBJECTS[name]
    args = [hub.slug] if kind is None else [hub.slug, objects[kind].pk]
    return reverse(f"hubs:manage:{name}", args=args)


def _snapshot(hub):
    return {
        "spokes": sorted(Spoke.objects.filter(hub=hub).values_list("pk", "name", "archived_at")),
        "memberships": sorted(SpokeMembership.objects.filter(spoke__hub=hub).values_list("pk", "status")),
        "invitations": sorted(SpokeInvitation.objects.filter(spoke__hub=hub).values_list("pk", "used_at")),
        "series_invitations": sorted(
            SeriesInvitation.objects.filter(series__hub=hub).values_list("pk", "email", "times_sent")
        ),
    }


@pytest.mark.parametrize("name", sorted(PORTAL_OBJECTS))
def test_manager_of_another_hub_gets_404_on_get_and_post(client, hub_manager, hub, other_hub, own, foreign, name):
    client.force_login(hub_manager)
    before = _snapshot(other_hub)
    post_data = {
        "name": "Taken over",
        "kind": "other",
        "email": "x@example.org",
        "spoke": foreign["spoke"].pk,
        "entries": "x@example.org,,",
    }

    # Another hub's slug, with its own objects.
    assert client.get(_url(other_hub, name, foreign)).status_code == 404
    assert client.post(_url(other_hub, name, foreign), post_data).status_code == 404
    # My hub's slug with another hub's object in the id.
    if PORTAL_OBJECTS[name] is not None:
        mixed = reverse(f"hubs:manage:{name}", args=[hub.slug, foreign[PORTAL_OBJECTS[name]].pk])
        assert client.get(mixed).status_code == 404
        assert client.post(mixed, post_data).status_code == 404

    assert _snapshot(other_hub) == before
    # The same URL with my own objects works, so the 404s above are not an accident of the arguments.
    assert client.get(_url(hub, name, own)).status_code in (200, 405)


def test_lists_dashboard_and_export_never_show_another_hubs_people(manager_client, hub, own, foreign):
    pages = [
        reverse("hubs:manage:dashboard", args=[hub.slug]),
        reverse("hubs:manage:members", args=[hub.slug]),
        reverse("hubs:manage:spokes", args=[hub.slug]),
    ]
    for page in pages:
        html = manager_client.get(page).content.decode()
        assert "alice@example.org" in html or "Lakeside" in html
        assert "erin@example.org" not in html
        assert "Coastal" not in html
        assert "invited-erin" not in html
        assert "asker-erin" not in html
    export = b"".join(manager_client.get(reverse("hubs:manage:export", args=[hub.slug])).streaming_content).decode()
    assert "alice@example.org" in export
    assert "erin@example.org" not in export


def test_a_spoke_filter_naming_another_hubs_spoke_is_a_404(manager_client, hub, foreign):
    url = reverse("hubs:manage:members", args=[hub.slug])
    assert manager_client.get(url, {"spoke": foreign["spoke"].pk}).status_code == 404
    assert manager_client.get(url, {"spoke": "not-a-number"}).status_code == 404


def test_inviting_to_another_hubs_spoke_is_refused(manager_client, hub, own, foreign):
    url = reverse("hubs:manage:invite", args=[hub.slug])
    response = manager_client.post(url, {"spoke": foreign["spoke"].pk, "email": "x@example.org", "language": "en"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not SpokeInvitation.objects.filter(email="x@example.org").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, hub, own):
    for name in PORTAL_OBJECTS:
        response = client.get(_url(hub, name, own))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_clinicians_without_a_hub_role_get_404(client, hub, own):
    client.force_login(own["member"])
    for name in PORTAL_OBJECTS:
        assert client.get(_url(hub, name, own)).status_code == 404, name
