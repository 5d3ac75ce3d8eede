"""Hub managers edit their own hub's series, sessions, keys and resources in Django admin, and nothing else.

Bob (Northern Lakes) is let into admin with grant_hub_manager_admin; Dana's hub (Prairie Coast) has the
same kinds of rows. Every changelist shows only Bob's rows, every change page of Dana's is a 404 on GET
and POST, and every form offers only Bob's hub, series and sessions. A superuser sees both hubs.
"""

import pytest
from django.urls import reverse

from enrollment.models import EnrollmentKey
from hubs import services
from series.models import Series
from tests import factories


def _rows(hub, spoke):
    series = factories.SeriesFactory(hub=hub, title=f"{hub.name} CoP")
    session = factories.SessionFactory(series=series, title=f"{hub.name} session")
    member = factories.SpokeMembershipFactory(spoke=spoke).user
    return {
        "series": series,
        "session": session,
        "resource": factories.ResourceFactory(session=session, title=f"{hub.name} recording"),
        "enrollmentkey": factories.EnrollmentKeyFactory(series=series, code=f"KEY{hub.pk}X"),
        "enrollment": factories.EnrollmentFactory(series=series, user=member),
        "registration": factories.RegistrationFactory(session=session, user=member),
    }


ADMINS = {
    "series": "series_series",
    "session": "echo_sessions_session",
    "resource": "echo_sessions_resource",
    "enrollmentkey": "enrollment_enrollmentkey",
    "enrollment": "enrollment_enrollment",
    "registration": "enrollment_registration",
}


@pytest.fixture
def mine(hub, spoke):
    return _rows(hub, spoke)


@pytest.fixture
def theirs(other_hub, other_spoke):
    return _rows(other_hub, other_spoke)


@pytest.fixture
def admin_client(client, hub_manager):
    services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)
    return client


@pytest.mark.parametrize("kind", sorted(ADMINS))
def test_changelists_hold_only_the_managers_hub(admin_client, mine, theirs, kind):
    response = admin_client.get(reverse(f"admin:{ADMINS[kind]}_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [mine[kind]]


@pytest.mark.parametrize("kind", sorted(ADMINS))
def test_another_hubs_change_pages_are_404_on_get_and_post(admin_client, mine, theirs, kind):
    change = reverse(f"admin:{ADMINS[kind]}_change", args=[theirs[kind].pk])
    assert admin_client.get(change).status_code == 404
    assert admin_client.post(change, {"title": "Taken over", "code": "TAKEN"}).status_code == 404
    assert admin_client.get(reverse(f"admin:{ADMINS[kind]}_history", args=[theirs[kind].pk])).status_code == 404
    assert admin_client.get(reverse(f"admin:{ADMINS[kind]}_change", args=[mine[kind].pk])).status_code == 200
    theirs[kind].refresh_from_db()
    assert getattr(theirs[kind], "title", "") != "Taken over"


def test_forms_offer_only_the_managers_hub_series_and_sessions(admin_client, hub, mine, theirs):
    series_form = admin_client.get(reverse("admin:series_series_add")).context["adminform"].form
    assert list(series_form.fields["hub"].queryset) == [hub]
    key_form = admin_client.get(reverse("admin:enrollment_enrollmentkey_add")).context["adminform"].form
    assert list(key_form.fields["series"].queryset) == [mine["series"]]
    assert list(key_form.fields["hub"].queryset) == [hub]
    session_form = admin_client.get(reverse("admin:echo_sessions_session_add")).context["adminform"].form
    assert list(session_form.fields["series"].queryset) == [mine["series"]]
    resource_form = admin_client.get(reverse("admin:echo_sessions_resource_add")).context["adminform"].form
    assert list(resource_form.fields["session"].queryset) == [mine["session"]]


def test_a_key_cannot_be_added_to_another_hubs_series(admin_client, theirs):
    response = admin_client.post(
        reverse("admin:enrollment_enrollmentkey_add"),
        {"series": theirs["series"].pk, "code": "PLANTED", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not EnrollmentKey.objects.filter(code="PLANTED").exists()


def test_the_series_inline_offers_only_the_managers_hub_for_keys(admin_client, hub, mine):
    response = admin_client.get(reverse("admin:series_series_change", args=[mine["series"].pk]))
    key_formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is EnrollmentKey)
    assert list(key_formset.formset.empty_form.fields["hub"].queryset) == [hub]


def test_series_autocomplete_only_finds_the_managers_series(admin_client, mine, theirs):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "echo_sessions", "model_name": "session", "field_name": "series", "term": "CoP"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == [mine["series"].title]


def test_a_registrant_is_shown_but_cannot_be_swapped(admin_client, mine):
    response = admin_client.get(reverse("admin:enrollment_registration_change", args=[mine["registration"].pk]))
    assert "user" not in response.context["adminform"].form.fields


def test_hub_managers_cannot_see_people_or_delete_series(admin_client, mine):
    assert admin_client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert admin_client.post(reverse("admin:series_series_delete", args=[mine["series"].pk])).status_code == 403
    assert Series.objects.filter(pk=mine["series"].pk).exists()


def test_superusers_see_every_hub(client, staff, mine, theirs):
    client.force_login(staff)
    for kind, name in ADMINS.items():
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert set(response.context["cl"].queryset) == {mine[kind], theirs[kind]}, kind
        assert client.get(reverse(f"admin:{name}_change", args=[theirs[kind].pk])).status_code == 200


def test_another_hubs_schedule_helper_is_a_404(admin_client, mine, theirs):
    assert admin_client.get(reverse("admin:series_series_schedule", args=[theirs["series"].pk])).status_code == 404
    assert admin_client.get(reverse("admin:series_series_schedule", args=[mine["series"].pk])).status_code == 200


def test_actions_ignore_another_hubs_rows_slipped_into_the_selection(admin_client, mine, theirs):
    Series.objects.filter(pk__in=[mine["series"].pk, theirs["series"].pk]).update(status=Series.Status.DRAFT)
    admin_client.post(
        reverse("admin:series_series_changelist"),
        {"action": "publish", "_selected_action": [mine["series"].pk, theirs["series"].pk]},
    )
    mine["series"].refresh_from_db()
    theirs["series"].refresh_from_db()
    assert mine["series"].status == Series.Status.PUBLISHED
    assert theirs["series"].status == Series.Status.DRAFT


@pytest.mark.parametrize("kind", ["enrollment", "registration"])
def test_registrant_lists_name_only_the_managers_own_spokes(admin_client, mine, spoke, other_spoke, kind):
    # Bob's registrant also belongs to a spoke of Dana's hub: that spoke's name is Dana's business.
    member = mine[kind].user
    factories.SpokeMembershipFactory(spoke=other_spoke, user=member)

    page = admin_client.get(reverse(f"admin:{ADMINS[kind]}_changelist")).content.decode()
    assert spoke.name in page
    assert other_spoke.name not in page

    export = admin_client.post(
        reverse(f"admin:{ADMINS[kind]}_changelist"),
        {"action": "export_csv", "_selected_action": [mine[kind].pk]},
    )
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert spoke.name in body
    assert other_spoke.name not in body
