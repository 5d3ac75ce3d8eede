"""A series by invitation only exists for the people invited, its members and staff; for everyone else it is a 404
(or its title only, as the series says), in every page and list, and never in the anonymous page cache nor in the
parts of pages that every viewer shares.

Alice is invited; Charlie is not; Bob manages the series' hub; Dana manages another hub.
"""

import pytest
from django.test import Client
from django.urls import reverse

from enrollment.models import SeriesInvitation
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db

DESCRIPTION = "Sessions for the pediatric palliative team only."


@pytest.fixture
def private(hub, clinician):
    series = factories.SeriesFactory(
        hub=hub,
        title="Pediatric Palliative Care Circle",
        slug="pediatric-circle",
        summary=DESCRIPTION,
        registration_mode=Series.RegistrationMode.INVITATION,
    )
    factories.SessionFactory(series=series, title="Grief in families", days_from_now=10)
    SeriesInvitation.objects.create(series=series, email="alice@example.org")
    return series


def _pages(series):
    session = series.sessions.get()
    return [
        reverse("series:detail", args=[series.slug]),
        reverse("enrollment:register", args=[series.slug]),
        reverse("enrollment:enroll", args=[series.slug]),
        reverse("enrollment:series_calendar_feed", args=[series.slug]),
        reverse("echo_sessions:detail", args=[session.pk]),
    ]


def _as(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_people_not_invited_get_404_everywhere(private, outsider, other_hub_manager):
    for viewer in (None, outsider, other_hub_manager):
        for page in _pages(private):
            response = _as(viewer).get(page)
            # The sign-in pages send anonymous visitors to sign in first; nothing of the series either way.
            assert response.status_code in (404, 302), (viewer, page)
            if response.status_code == 302:
                assert reverse("account_login") in response["Location"]
        for listing in (reverse("series:catalog"), reverse("home"), reverse("hubs:detail", args=[private.hub.slug])):
            html = _as(viewer).get(listing).content.decode()
            assert "Pediatric Palliative Care Circle" not in html, (viewer, listing)
            assert "Grief in families" not in html


def test_invited_people_members_and_staff_see_the_series(private, clinician, hub_manager, staff):
    member = factories.UserFactory(email="member.elsewhere@example.org")
    factories.EnrollmentFactory(series=private, user=member)
    for viewer in (clinician, member, hub_manager, staff):
        client = _as(viewer)
        page = client.get(reverse("series:detail", args=[private.slug])).content.decode()
        assert DESCRIPTION in page and "Grief in families" in page
        assert "Pediatric Palliative Care Circle" in client.get(reverse("series:catalog")).content.decode()
        assert client.get(reverse("echo_sessions:detail", args=[private.sessions.get().pk])).status_code == 200
    # Invited but not joined yet: the page points at the invitation, the picker says to accept it first.
    client = _as(clinician)
    page = client.get(reverse("series:detail", args=[private.slug])).content.decode()
    assert "Answer your invitation" in page
    picker = client.get(reverse("enrollment:register", args=[private.slug])).content.decode()
    assert "accept it first" in picker


def test_a_declined_invitation_no_longer_shows_the_series(private, clinician):
    SeriesInvitation.objects.filter(email="alice@example.org").update(declined_at="2026-01-01T00:00:00Z")
    assert _as(clinician).get(reverse("series:detail", args=[private.slug])).status_code == 404


def test_a_series_that_shows_its_title_shows_nothing_else(private, outsider):
    Series.objects.filter(pk=private.pk).update(uninvited_view=Series.UninvitedView.TITLE)
    for viewer in (None, outsider):
        response = _as(viewer).get(reverse("series:detail", args=[private.slug]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Pediatric Palliative Care Circle" in html and "by invitation only" in html
        assert DESCRIPTION not in html and "Grief in families" not in html
        # Its other pages stay closed.
        assert _as(viewer).get(reverse("enrollment:series_calendar_feed", args=[private.slug])).status_code == 404


def test_the_anonymous_page_cache_never_holds_what_invited_people_see(
    settings, private, clinician, hub_manager, outsider
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    Series.objects.filter(pk=private.pk).update(uninvited_view=Series.UninvitedView.TITLE)
    pages = [reverse("series:detail", args=[private.slug]), reverse("series:catalog"), reverse("home")]
    for viewer in (clinician, hub_manager):
        for page in pages:
            _as(viewer).get(page)
    for page in pages:
        _as(None).get(page)  # rendered (or served) for visitors, then served from the cache
        html = _as(None).get(page).content.decode()
        assert DESCRIPTION not in html and "Grief in families" not in html, page
        # Signed-in people share the rendering of what is the same for everyone: never what is theirs alone.
        html = _as(outsider).get(page).content.decode()
        assert DESCRIPTION not in html and "Grief in families" not in html, page
    # And the other way round: a visitor's cached copy is not what the invited person gets.
    assert DESCRIPTION in _as(clinician).get(pages[0]).content.decode()


def test_a_hidden_series_is_404_for_visitors_even_after_staff_viewed_it(settings, private, hub_manager):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    page = reverse("series:detail", args=[private.slug])
    assert _as(hub_manager).get(page).status_code == 200
    assert _as(None).get(page).status_code == 404
    assert _as(None).get(page).status_code == 404
