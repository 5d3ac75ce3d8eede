"""Whatever a visitor puts in a URL or a form, the site answers with a page, never a server error.

Query strings are where bots, old bookmarks and mistyped links land: every public page is asked
for with nonsense in each parameter it reads, and every form is posted garbage.
"""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

NONSENSE = ["abc", "-1", "99999999999999999999999", "\x00", "<script>alert(1)</script>", "é" * 3000, "2026-13-45"]
PARAMETERS = ["page", "q", "hub", "language", "kind", "audience", "series", "from", "to", "year", "sort", "spoke"]


@pytest.fixture
def site(clinician, hub_manager, hub):
    series = factories.SeriesFactory(hub=hub, slug="ltc-cop")
    factories.EnrollmentKeyFactory(series=factories.SeriesFactory(hub=hub, slug="keyed", registration_mode="key"))
    session = factories.SessionFactory(series=series)
    past = factories.SessionFactory(series=series, days_from_now=-7)
    factories.ResourceFactory(session=past)
    return {"series": series, "session": session, "hub": hub}


def _public_urls(site) -> list[str]:
    return [
        reverse("home"),
        reverse("series:catalog"),
        site["series"].get_absolute_url(),
        site["session"].get_absolute_url(),
        reverse("echo_sessions:past"),
        reverse("hubs:list"),
        site["hub"].get_absolute_url(),
    ]


def test_nonsense_in_the_query_string_never_breaks_a_public_page(client, site):
    broken = []
    for url in _public_urls(site):
        for parameter in PARAMETERS:
            for value in NONSENSE:
                response = client.get(url, {parameter: value})
                if response.status_code >= 500:
                    broken.append(f"{url}?{parameter}={value[:20]!r}: {response.status_code}")
    assert not broken, "\n".join(broken[:20])


def test_nonsense_in_the_query_string_never_breaks_a_signed_in_page(client, site, clinician, hub_manager):
    client.force_login(clinician)
    urls = [reverse("enrollment:my_learning"), reverse("enrollment:register", args=["ltc-cop"])]
    broken = []
    for url in urls:
        for parameter in PARAMETERS:
            for value in NONSENSE:
                response = client.get(url, {parameter: value})
                if response.status_code >= 500:
                    broken.append(f"{url}?{parameter}={value[:20]!r}: {response.status_code}")
    client.force_login(hub_manager)
    for name in ("dashboard", "members", "spokes", "invite"):
        url = reverse(f"hubs:manage:{name}", args=[site["hub"].slug])
        for parameter in PARAMETERS:
            for value in NONSENSE:
                response = client.get(url, {parameter: value})
                if response.status_code >= 500:
                    broken.append(f"{url}?{parameter}={value[:20]!r}: {response.status_code}")
    assert not broken, "\n".join(broken[:20])


def test_garbage_posted_to_every_form_gets_a_page_not_an_error(client, site, clinician, hub_manager):
    garbage = {"key": "\x00" * 5, "sessions": ["abc", "-1", "99999999999"], "consent": "maybe", "email": "not-an-email"}
    client.force_login(clinician)
    urls = [
        reverse("enrollment:enroll_by_key"),
        reverse("enrollment:enroll", args=["keyed"]),
        reverse("enrollment:register", args=["ltc-cop"]),
        reverse("accounts:profile"),
        reverse("set_language"),
    ]
    broken = [f"{url}: {status}" for url in urls if (status := client.post(url, garbage).status_code) >= 500]
    client.force_login(hub_manager)
    for name in ("spoke_create", "invite"):
        url = reverse(f"hubs:manage:{name}", args=[site["hub"].slug])
        status = client.post(url, {**garbage, "name": "\x00", "kind": "nope", "spoke": "abc"}).status_code
        if status >= 500:
            broken.append(f"{url}: {status}")
    assert not broken, "\n".join(broken)
