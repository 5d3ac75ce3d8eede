"""The page header is rendered once for everyone who sees the same links; each viewer's form token and page address
are their own, and nobody is shown another viewer's links (core/templatetags/shared_parts.py, hub_tags.site_header).

Alice and Charlie are signed-in learners without a hub role, Bob manages Northern Lakes, staff run the programme.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _header(client, url="/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_each_learner_gets_the_shared_header_with_their_own_token_and_address(clinician, outsider):
    alice, charlie = _signed_in(clinician), _signed_in(outsider)

    alices = _header(alice, "/series/?kind=webinar&language=fr")
    charlies = _header(charlie, "/series/?kind=webinar&language=fr")
    elsewhere = _header(charlie, "/")

    assert TOKEN.sub("", alices) == TOKEN.sub("", charlies)  # one rendering, shared
    assert TOKEN.findall(alices) != TOKEN.findall(charlies)
    assert '<input type="hidden" name="next" value="/series/?kind=webinar&amp;language=fr">' in alices
    assert '<input type="hidden" name="next" value="/">' in elsewhere
    # The tokens are the real ones: the language switch and the sign-out form both work with them.
    switch, sign_out = TOKEN.findall(charlies)
    charlie_client = Client(enforce_csrf_checks=True)
    charlie_client.cookies = charlie.cookies
    switched = charlie_client.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": switch}
    )
    assert switched.status_code == 302
    signed_out = charlie_client.post(reverse("account_logout"), {"csrfmiddlewaretoken": sign_out})
    assert signed_out.status_code == 302
    signed_out_header = _header(charlie_client)
    assert 'lang="en">English</button>' in signed_out_header  # in French now, offered English
    assert reverse("account_logout") not in signed_out_header and reverse("account_login") in signed_out_header


def test_nobody_gets_the_links_of_another_viewer(clinician, hub_manager, staff):
    bobs, staffs, alices = _header(_signed_in(hub_manager)), _header(_signed_in(staff)), _header(_signed_in(clinician))
    visitors = _header(Client())

    assert "Manage Northern Lakes Palliative Hub (demo)" in bobs
    assert 'href="/admin/"' in staffs and 'href="/staff/reach/"' in staffs
    for other in (alices, visitors):
        assert "Manage Northern Lakes" not in other and 'href="/admin/"' not in other
        assert 'href="/staff/reach/"' not in other
    assert "Sign out" in alices and "Sign out" not in visitors and "Sign in" in visitors


CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


@pytest.mark.parametrize(
    "url, current",
    [
        ("/", "/"),
        ("/series/", "/series/"),
        ("/sessions/past/", "/sessions/past/"),
        ("/hubs/", "/hubs/"),
        ("/hubs/northern-lakes/", "/hubs/"),  # a hub's page sits under Hub partners
        ("/me/", "/me/"),
        ("/me/mainpro/", "/me/"),
        ("/accounts/profile/", "/accounts/profile/"),
    ],
)
def test_the_main_menu_marks_the_item_of_the_page_being_read(clinician, hub, url, current):
    """Whichever menu item is the page's own is marked for screen readers (and styled), not only Upcoming."""
    header = _header(_signed_in(clinician), url)

    assert CURRENT.findall(header) == [current]


def test_a_page_of_no_menu_item_marks_none(clinician):
    assert CURRENT.findall(_header(_signed_in(clinician), "/privacy/")) == []
