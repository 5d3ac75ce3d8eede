"""Public pages reused for anonymous visitors never share a visitor's token, a signed-in view or stale staff edits."""

import datetime as dt
import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_second_visitor_gets_the_page_without_a_database_query(client, programme, django_assert_num_queries):
    first = client.get(reverse("home"))

    # No query: anonymous visitor (no session to load), page found in the cache.
    with django_assert_num_queries(0):
        second = Client().get(reverse("home"))

    assert second.status_code == 200
    assert "Pain at the end of life" in second.content.decode()
    assert TOKEN.sub("", first.content.decode()) == TOKEN.sub("", second.content.decode())


def test_each_visitor_gets_a_token_of_their_own_that_works(programme):
    Client().get(reverse("home"))  # rendered and stored
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get(reverse("home"))
    token = TOKEN.search(page.content.decode()).group(1)
    switched = visitor.post(reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": token})

    assert "\x00" not in page.content.decode()
    assert "csrftoken" in page.cookies  # the visitor's own CSRF cookie is set, as for a fresh page
    assert switched.status_code == 302
    # The token in the page is the visitor's own secret (masked), not the one of whoever was first.
    assert _unmask_cipher_token(token) == page.cookies["csrftoken"].value


def test_signed_in_learners_never_see_or_feed_the_anonymous_copy(client, programme, clinician):
    learner = Client()
    learner.force_login(clinician)
    signed_in = learner.get(reverse("home")).content.decode()
    anonymous = client.get(reverse("home")).content.decode()
    signed_in_again = learner.get(reverse("home")).content.decode()

    assert "Sign out" in signed_in and "Sign out" in signed_in_again
    assert "Sign out" not in anonymous and "Sign in" in anonymous


def test_a_staff_edit_shows_at_once(client, programme):
    client.get(programme.get_absolute_url())
    programme.title = "Palliative Care in Long-Term Homes"
    programme.save()

    assert "Palliative Care in Long-Term Homes" in Client().get(programme.get_absolute_url()).content.decode()


def test_each_language_has_its_own_copy(programme):
    english = Client(headers={"accept-language": "en"}).get(reverse("home"))
    french = Client(headers={"accept-language": "fr"}).get(reverse("home"))

    assert 'lang="en"' in english.content.decode()
    assert 'lang="fr"' in french.content.decode()


def test_a_waiting_message_is_shown_not_a_cached_page(client, programme, clinician, password):
    Client().get(reverse("home"))
    client.force_login(clinician)

    response = client.post(reverse("account_logout"), follow=True)

    assert response.request["PATH_INFO"] == reverse("home")
    assert "signed out" in response.content.decode().lower()


def test_it_can_be_turned_off(client, programme, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(reverse("home"))
    programme.sessions.update(title="Renamed without a signal")

    assert "Renamed without a signal" in Client().get(reverse("home")).content.decode()


# Changes made with QuerySet.update() send no signal; each of these went stale in the cached pages before.


def test_a_series_published_by_the_admin_action_is_in_the_cached_catalogue_at_once(client, programme, staff):
    draft = factories.SeriesFactory(title="Grief and Bereavement", status="draft")
    factories.SessionFactory(series=draft)  # publishing needs a session
    assert "Grief and Bereavement" not in Client().get(reverse("series:catalog")).content.decode()  # now cached

    client.force_login(staff)
    client.post("/admin/series/series/", {"action": "publish", "_selected_action": [draft.pk]})

    assert "Grief and Bereavement" in Client().get(reverse("series:catalog")).content.decode()


def test_materials_published_by_the_admin_action_are_in_the_cached_archive_at_once(client, programme, staff):
    held = factories.SessionFactory(
        series=programme,
        title="Delirium",
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=3, hours=-1),
    )
    factories.ResourceFactory(session=held, title="Delirium recording", published_at=None)
    assert "Delirium recording" not in Client().get(reverse("echo_sessions:past")).content.decode()

    client.force_login(staff)
    client.post("/admin/echo_sessions/session/", {"action": "publish_materials", "_selected_action": [held.pk]})

    assert "Delirium recording" in Client().get(reverse("echo_sessions:past")).content.decode()


def test_a_spoke_archived_by_its_hub_manager_leaves_the_cached_hub_page_at_once(client, hub, hub_manager, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    spoke = factories.SpokeFactory(hub=hub)
    page = reverse("hubs:detail", args=[hub.slug])
    assert "This hub serves 1 spoke." in Client().get(page).content.decode()

    client.force_login(hub_manager)
    client.post(reverse("hubs:manage:spoke_archive", args=[hub.slug, spoke.pk]))

    assert "This hub serves 0 spokes." in Client().get(page).content.decode()
