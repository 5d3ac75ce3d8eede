"""A draft series is nobody's page: every public and learner page of it is a 404, like a slug that does not exist.

Reproduced before the fix: /series/<draft>/register/done/ showed the draft's title to any signed-in user (and a
404 for slugs that do not exist, so drafts could be found), and the admin's view-on-site shortcut
/admin/r/<content type>/<id>/ redirected a hub manager to other hubs' drafts by id.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from hubs import services as hub_services
from series.models import Series
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(other_hub):
    series = factories.SeriesFactory(
        hub=other_hub, slug="secret-draft", title="Secret draft cohort", status=Series.Status.DRAFT
    )
    factories.SessionFactory(series=series, title="Secret draft session")
    return series


def _learner_pages(series) -> list[str]:
    session = series.sessions.first()
    return [
        reverse("series:detail", args=[series.slug]),
        reverse("enrollment:enroll", args=[series.slug]),
        reverse("enrollment:register", args=[series.slug]),
        reverse("enrollment:registered", args=[series.slug]),
        reverse("enrollment:leave_series", args=[series.slug]),
        reverse("enrollment:series_calendar_feed", args=[series.slug]),
        reverse("echo_sessions:detail", args=[session.pk]),
    ]


def test_every_page_of_a_draft_is_not_found_for_visitors_and_learners(client, draft, clinician, hub_manager):
    factories.EnrollmentFactory(user=clinician, series=draft)
    factories.RegistrationFactory(user=clinician, session=draft.sessions.first())
    for user in (None, clinician, hub_manager):
        if user:
            client.force_login(user)
        for url in _learner_pages(draft):
            response = client.get(url)
            assert response.status_code in (404, 302), (user, url)
            if response.status_code == 302:  # sign in first, then the same 404
                assert user is None
            assert "Secret draft" not in response.content.decode(), (user, url)


def test_a_draft_answers_like_a_slug_that_does_not_exist(client, draft, clinician):
    client.force_login(clinician)
    done = reverse("enrollment:registered", args=[draft.slug])
    missing = reverse("enrollment:registered", args=["no-such-series"])

    assert client.get(done).status_code == client.get(missing).status_code == 404


def _shortcut(obj) -> str:
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


def test_the_admin_view_on_site_shortcut_keeps_to_the_managers_hub(client, hub, hub_manager, draft, staff):
    mine = factories.SeriesFactory(hub=hub, slug="lakes-cop", status=Series.Status.PUBLISHED)
    hub_services.grant_hub_manager_admin(user=hub_manager)
    client.force_login(hub_manager)

    theirs = client.get(_shortcut(draft))
    assert theirs.status_code == 404
    assert "secret-draft" not in theirs.get("Location", "")
    assert client.get(_shortcut(draft.sessions.first())).status_code == 404
    own = client.get(_shortcut(mine))
    assert own.status_code == 302 and own["Location"].endswith("/series/lakes-cop/")
    assert client.get(reverse("admin:view_on_site", args=[99999, 1])).status_code == 404
    assert client.get(f"/admin/r/{ContentType.objects.get_for_model(mine).pk}/not-a-number/").status_code == 404

    client.force_login(staff)  # national staff see every hub
    assert client.get(_shortcut(draft)).status_code == 302
