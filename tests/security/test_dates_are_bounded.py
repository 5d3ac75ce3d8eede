"""Far dates, NUL bytes and ids beyond any row get a message or a 404, never a server error (OverflowError before)."""

import pytest
from django.urls import reverse

from hubs import services as hub_services
from tests import factories

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Enter a date between 1900 and 2199."


@pytest.mark.parametrize("name", ["hubs:manage:dashboard", "hubs:manage:export"])
def test_the_hub_portal_answers_a_period_in_year_9999_with_a_message_or_the_default(client, hub, hub_manager, name):
    client.force_login(hub_manager)

    response = client.get(reverse(name, args=[hub.slug]), {"from": "9999-12-30", "to": "9999-12-31"})

    if name.endswith("dashboard"):
        assert response.status_code == 200
        assert OUT_OF_RANGE in response.content.decode()
    else:  # the export sends the manager back to the dashboard, which says what is wrong
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("hubs:manage:dashboard", args=[hub.slug]))


def test_the_admin_refuses_a_session_in_year_9999(client, hub, hub_manager):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)
    series = factories.SeriesFactory(hub=hub)

    response = client.post(
        reverse("admin:echo_sessions_session_add"),
        {
            "series": series.pk,
            "title": "Far away",
            "starts_at_0": "9999-12-31",
            "starts_at_1": "23:00:00",
            "ends_at_0": "9999-12-31",
            "ends_at_1": "23:30:00",
            "status": "scheduled",
            "resources-TOTAL_FORMS": "0",
            "resources-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert not series.sessions.exists()


def test_a_nul_character_in_an_address_is_a_clear_400(client):
    response = client.get("/hubs/invitations/%00abc/")

    assert response.status_code == 400
    assert "This address cannot be opened" in response.content.decode()
    assert client.get(reverse("echo_sessions:past"), {"q": "\x00"}).status_code == 400


def test_an_admin_add_form_prefilled_with_junk_ignores_it(client, hub_manager):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)

    response = client.get(reverse("admin:echo_sessions_session_add"), {"series": "'; select 1; --"})

    assert response.status_code == 200


def test_an_id_larger_than_any_row_is_not_found(client, clinician):
    client.force_login(clinician)
    assert client.get("/sessions/99999999999999999999/").status_code == 404
    assert client.get("/me/registrations/99999999999999999999/cancel/").status_code == 404
