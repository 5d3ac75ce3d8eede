"""Members: clinicians ask to join from the hub's join page, managers approve or decline, remove, and look."""

from django.urls import reverse

from hubs.models import SpokeMembership
from tests import factories
from tests.hubs.conftest import manage_url, requested


def test_clinician_asks_to_join_and_manager_approves(client, clinician, hub, spoke, hub_manager):
    client.force_login(clinician)
    join_page = client.get(reverse("hubs:join", args=[hub.slug]))
    assert "Lakeside Long-Term Care Home" in join_page.content.decode()

    response = client.post(reverse("hubs:join", args=[hub.slug]), {"spoke": spoke.pk}, follow=True)
    assert "Your request to join Lakeside Long-Term Care Home was sent" in response.content.decode()
    assert "Waiting for a manager" in response.content.decode()
    membership = SpokeMembership.objects.get(user=clinician, spoke=spoke)
    assert membership.status == SpokeMembership.Status.REQUESTED

    client.force_login(hub_manager)
    members_page = client.get(manage_url(hub, "members")).content.decode()
    assert "alice@example.org" in members_page  # in the requests
    assert list(client.get(manage_url(hub, "members")).context["page"].object_list) == []
    response = client.post(manage_url(hub, "membership_approve", membership.pk), follow=True)
    assert "Alice Tremblay is now a member of Lakeside Long-Term Care Home." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == SpokeMembership.Status.ACTIVE
    assert [person.email for person in response.context["page"].object_list] == ["alice@example.org"]


def test_manager_declines_a_request(manager_client, hub, spoke, clinician):
    membership = requested(spoke, clinician)
    response = manager_client.post(manage_url(hub, "membership_decline", membership.pk), follow=True)
    assert "was declined" in response.content.decode()
    assert not SpokeMembership.objects.filter(pk=membership.pk).exists()


def test_approving_an_active_membership_or_removing_a_request_is_a_404(manager_client, hub, spoke, member):
    active = SpokeMembership.objects.get(user=member)
    pending = requested(spoke, factories.UserFactory())
    assert manager_client.post(manage_url(hub, "membership_approve", active.pk)).status_code == 404
    assert manager_client.post(manage_url(hub, "membership_decline", active.pk)).status_code == 404
    assert manager_client.post(manage_url(hub, "membership_remove", pending.pk)).status_code == 404
    assert SpokeMembership.objects.filter(pk__in=[active.pk, pending.pk]).count() == 2


def test_manager_removes_a_member(manager_client, hub, member):
    membership = SpokeMembership.objects.get(user=member)
    response = manager_client.post(manage_url(hub, "membership_remove", membership.pk), follow=True)
    assert "Alice Tremblay was removed from Lakeside Long-Term Care Home." in response.content.decode()
    assert not SpokeMembership.objects.filter(pk=membership.pk).exists()
    assert manager_client.get(manage_url(hub, "member_detail", member.pk)).status_code == 404


def test_member_detail_shows_registrations_attendance_and_key(manager_client, hub, member):
    series = factories.SeriesFactory(hub=hub, title="Long-Term Care Community of Practice")
    key = factories.EnrollmentKeyFactory(series=series, code="LTC2122")
    factories.EnrollmentFactory(user=member, series=series, key=key)
    held = factories.SessionFactory(series=series, title="Advance Care Planning", days_from_now=-10)
    factories.RegistrationFactory(user=member, session=held, attended_minutes=48)

    html = manager_client.get(manage_url(hub, "member_detail", member.pk)).content.decode()

    assert "Advance Care Planning" in html
    assert "Long-Term Care Community of Practice" in html
    assert "<td>48</td>" in html
    assert "LTC2122" in html


def test_members_page_filters_by_spoke_and_paginates(manager_client, hub, spoke, member):
    other = factories.SpokeFactory(hub=hub, name="Hilltop Hospice")
    for n in range(55):
        factories.SpokeMembershipFactory(spoke=other, user=factories.UserFactory(last_name=f"Zed{n:02d}"))

    only_lakeside = manager_client.get(manage_url(hub, "members"), {"spoke": spoke.pk})
    assert [person.email for person in only_lakeside.context["page"].object_list] == ["alice@example.org"]

    first = manager_client.get(manage_url(hub, "members"))
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 of 2" in first.content.decode()
    last = manager_client.get(manage_url(hub, "members"), {"page": "999"})
    assert len(last.context["page"].object_list) == 6
    assert manager_client.get(manage_url(hub, "members"), {"page": "abc"}).status_code == 200


def test_clinician_leaves_a_spoke_and_withdraws_a_request(client, member, hub, spoke):
    client.force_login(member)
    pending_spoke = factories.SpokeFactory(hub=hub, name="Hilltop Hospice")
    requested(pending_spoke, member)

    client.post(reverse("hubs:join", args=[hub.slug]), {"leave": pending_spoke.pk})
    client.post(reverse("hubs:join", args=[hub.slug]), {"leave": spoke.pk})
    assert not SpokeMembership.objects.filter(user=member).exists()

    response = client.post(reverse("hubs:join", args=[hub.slug]), {"leave": "not-mine"}, follow=True)
    assert "You are not a member of that spoke." in response.content.decode()


def test_joining_rejects_archived_foreign_and_missing_spokes(client, clinician, hub, spoke, other_spoke):
    client.force_login(clinician)
    archived = factories.SpokeFactory(hub=hub, name="Closed Clinic", archived_at="2026-01-01T00:00:00Z")
    for value in [archived.pk, other_spoke.pk, 999999, "abc", ""]:
        response = client.post(reverse("hubs:join", args=[hub.slug]), {"spoke": value})
        assert response.status_code == 200
        assert response.context["form"].errors["spoke"]
    assert not SpokeMembership.objects.exists()
    assert client.get(reverse("hubs:join", args=["no-such-hub"])).status_code == 404


def test_join_page_needs_sign_in(client, hub):
    response = client.get(reverse("hubs:join", args=[hub.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_your_spokes_lists_memberships_and_where_to_ask(client, member, hub, other_spoke):
    client.force_login(member)
    response = client.get(reverse("hubs:my_spokes"))
    html = response.content.decode()
    assert "Lakeside Long-Term Care Home" in html
    assert reverse("hubs:join", args=[hub.slug]) in html
    assert reverse("hubs:join", args=[other_spoke.hub.slug]) in html  # another hub with spokes to join
    assert 'aria-current="page">Your spokes' in html


def test_members_page_and_member_detail_take_a_fixed_number_of_queries(
    manager_client, hub, spoke, member, django_assert_num_queries
):
    for _n in range(4):
        person = factories.UserFactory()
        factories.SpokeMembershipFactory(spoke=spoke, user=person)
        factories.RegistrationFactory(user=person)
        factories.RegistrationFactory(user=member)
    # 1 user, 2 hub with the viewer's role, 3 count for the paginator, 4 the page of members,
    # 5 their memberships in this hub with the spokes, 6 spokes for the filter, 7 pending requests,
    # 8 pending invitations, 9 the hubs Bob has a role in (the header's "Manage <hub>" entries).
    with django_assert_num_queries(9):
        manager_client.get(manage_url(hub, "members"))
    # 1 hub with the viewer's role, 2 the member (scoped), 3 their spokes here,
    # 4 their registrations with session, series and key used, 5 the access-log row (accounts.privacy);
    # Bob and the hubs he has a role in (header) come from the cache, read by the page before.
    with django_assert_num_queries(5):
        manager_client.get(manage_url(hub, "member_detail", member.pk))
