"""My learning's calendar-feed section and key box are drawn once and kept; each learner still gets their own private
feed address, the address of the site they asked, their own CSRF token and the "link changed" notice when theirs
changed, and a link to cancel that names their own registration."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from enrollment import views
from tests.factories import RegistrationFactory, SessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]


def _me(client, query: str = "", **headers) -> str:
    response = client.get(f"/me/{query}", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', page))


def test_each_learner_gets_their_own_feed_address_under_the_shared_part(client, clinician, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.org"]
    other = Client()
    bob = UserFactory(email="bob@example.org")
    other.force_login(bob)
    client.force_login(clinician)

    mine, theirs = _me(client), _me(other)
    again = _me(client, HTTP_HOST="portal.example.org")

    for page, person, host in ((mine, clinician, "testserver"), (theirs, bob, "testserver")):
        other_token = (bob if person == clinician else clinician).calendar_token
        assert f'href="webcal://{host}/me/calendar/{person.calendar_token}.ics"' in page
        assert f'value="{settings.SITE_URL}/me/calendar/{person.calendar_token}.ics"' in page
        assert other_token not in page
    assert f'href="webcal://portal.example.org/me/calendar/{clinician.calendar_token}.ics"' in again
    assert "\x00" not in mine + theirs + again


def test_the_shared_part_carries_the_pages_own_csrf_token(client, clinician):
    client.force_login(clinician)
    _me(client)  # the shared part is drawn and kept

    page = _me(client)

    # The calendar's "new link" form, the key box and the header's forms: the one token of this page.
    assert len(_tokens(page)) == 1 and "" not in _tokens(page)
    assert page.count('name="csrfmiddlewaretoken"') >= 2


def test_the_link_changed_notice_shows_only_when_asked_and_in_french(
    client, clinician, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    assert "Your calendar link was changed" not in _me(client)

    assert "Your calendar link was changed" in _me(client, "?calendar=renewed")
    assert "Your calendar link was changed" not in _me(client, "?calendar=other")
    clinician.preferred_language = "fr"
    with django_capture_on_commit_callbacks(execute=True):  # what its commit runs: her kept row is dropped
        clinician.save()
    french = _me(client, "?calendar=renewed")
    assert "Votre lien de calendrier a été changé" in french and "Vous avez une clé d" in french
    assert "Have an enrollment key?" not in french and 'id="mylearning_key"' in french


@pytest.mark.parametrize("pk", [1, 7, 42, 918273645, 10**12])
def test_the_links_to_cancel_are_what_reverse_gives(pk):
    assert views.cancel_urls([pk, pk + 1]) == {
        pk: reverse("enrollment:cancel_registration", args=[pk]),
        pk + 1: reverse("enrollment:cancel_registration", args=[pk + 1]),
    }
    assert views.cancel_urls([]) == {}


def test_each_upcoming_card_links_to_cancel_the_learners_own_registration(client, clinician):
    sessions = [SessionFactory(days_from_now=days) for days in (3, 5, 9)]
    mine = [RegistrationFactory(user=clinician, session=session) for session in sessions]
    theirs = [RegistrationFactory(session=session) for session in sessions]
    client.force_login(clinician)
    _me(client)

    page = _me(client)

    assert [int(pk) for pk in re.findall(r'href="/me/registrations/(\d+)/cancel/"', page)] == [r.pk for r in mine]
    assert not any(f"/me/registrations/{registration.pk}/cancel/" in page for registration in theirs)
