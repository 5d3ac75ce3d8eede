"""Every URL the site has, asked for with junk, extreme and malformed values, answers without a server error.

The walk reads the URL patterns from the resolver, so a page added later is walked too. Each pattern is filled
with values that fit its converters but mean nothing (ids of 0 and of twenty digits, slugs and strings of junk,
NUL bytes, path tricks), asked for with a query string of far and broken dates, huge page numbers and garbage in
every parameter the site reads, by GET and by POST (with a body of the same), signed out and as each persona:
a learner (Alice), a hub manager let into the admin (Bob), programme staff. Reproduced before the fix:
/hubs/<slug>/manage/?from=9999-12-30&to=9999-12-31 and its export.csv answered 500 (OverflowError).
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from hubs import services as hub_services
from tests import factories

pytestmark = pytest.mark.django_db

# Values a converter accepts that point at nothing, or at too much.
# The personas' hub and a series share one slug, so every /hubs/<slug>/… and /series/<slug>/… page is reached too.
REAL_SLUG = "northern-lakes"
PATH_VALUES = {
    "int": ["0", "9" * 20, "1"],
    "slug": [REAL_SLUG, "a" * 300, "no-such-thing"],
    "str": ["%00junk", "..%2F..%2Fetc%2Fpasswd", "%27%22%3Cscript%3E"],
    "path": ["1/../../etc", "%00"],
    "uuid": ["00000000-0000-0000-0000-000000000000"],
}
REGEX_SAMPLES = ["abc", "0", "9" * 20, "%00"]
# Every parameter the site's pages read, with values that are too far, too big, or not values at all.
QUERIES = {
    "extreme": {
        "from": "9999-12-30",
        "to": "9999-12-31",
        "page": "9" * 25,
        "p": "9" * 25,
        "year": "99999",
    },
    # Ids no row has and long text: each a valid value, so a filter form does not drop the dates above.
    "large": {"spoke": "9" * 20, "series": "9" * 20, "hub": "9" * 20, "o": "999.-999", "q": "é" * 2000},
    "malformed": {
        "from": "0001-01-01",
        "to": "2026-13-45",
        "page": "-1",
        "p": "abc",
        "year": "%00",
        "spoke": "\x00",
        "series": "'; select 1; --",
        "hub": "<script>",
        "o": "x",
        "q": "\x00",
        "language": "xx",
        "kind": "\x00",
        "audience": "[]",
        "sort": "-",
        "next": "//evil.example.org/",
        "e": "1",
        "_changelist_filters": "%ZZ",
    },
}
POST_BODY = {
    **QUERIES["malformed"],
    "key": "\x00" * 3,
    "email": "not-an-email\x00",
    "code": "X" * 500,
    "title": "\x00",
    "date": "9999-12-31",
    "start_time": "25:61",
    "end_time": "-1",
    "first_date": "9999-12-31",
    "until": "0001-01-01",
    "weeks": "9" * 20,
    "confirm": "on",
    "post": "yes",
    "action": "delete_selected",
    "_selected_action": ["9" * 20, "abc"],
    "select_across": "1",
    "index": "9" * 20,
    "sessions": ["9" * 20, "abc"],
    "password": "x",
    "password1": "x",
    "password2": "y",
    "login": "\x00",
}
# Asked for once signed out only, or not posted: they end the persona's session.
SIGN_OUT = {"account_logout", "logout"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + _piece(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + _piece(pattern.pattern), pattern


def _piece(pattern) -> str:
    """A pattern as a template: route converters as <kind:name>, regex groups as {group}."""
    if isinstance(pattern, RoutePattern):
        return str(pattern)
    text = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)


def _fill(template: str, variants: int) -> list[str]:
    """The URLs one template gives with each junk value in turn (in every slot at once)."""
    slots = [match.group(0) for match in re.finditer(r"<(?:\w+:)?\w+>|\{\w+\}", template)]
    if not slots:
        return ["/" + template]
    urls = []
    for variant in range(variants):
        url = template
        for slot in slots:
            kind = re.match(r"<(\w+):", slot)
            values = PATH_VALUES.get(kind.group(1), PATH_VALUES["str"]) if kind else REGEX_SAMPLES
            url = url.replace(slot, values[variant % len(values)], 1)
        urls.append("/" + url)
    return list(dict.fromkeys(urls))


def _urls() -> list[tuple[str, str]]:
    found = []
    for template, pattern in _walk(get_resolver().url_patterns):
        # Admin regex groups (app_label) stand for a fixed list: keep the ones that name nothing.
        cleaned = re.sub(r"\(\?:?[^)]*\)|[\\^$?]", "", template)
        # The admin's hundred-odd pages share a handful of views: one set of values each is enough there.
        for url in _fill(cleaned, 1 if template.startswith("admin/") else 3):
            found.append((pattern.name or template, url))
    return found


@pytest.fixture
def personas(clinician, hub_manager, staff, hub):
    hub_services.grant_hub_manager_admin(user=hub_manager)
    assert hub.slug == REAL_SLUG
    series = factories.SeriesFactory(hub=hub, slug=REAL_SLUG)
    factories.RegistrationFactory(user=clinician, session=factories.SessionFactory(series=series))
    return {"anonymous": None, "clinician": clinician, "hub manager": hub_manager, "staff": staff}


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ["anonymous", "clinician", "hub manager", "staff"])
def test_every_url_answers_junk_without_a_server_error(personas, persona, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client = _client(personas[persona])
    failures, requests = [], 0
    urls = _urls()
    for name, url in urls:
        is_admin = url.startswith("/admin/")
        if is_admin and persona in ("anonymous", "clinician"):
            variants = [("GET", "malformed")]  # the admin sends them to its login page
        else:
            variants = [("GET", "extreme"), ("GET", "large"), ("GET", "malformed"), ("POST", "malformed")]
        if is_admin and persona == "staff":
            variants = variants[2:]  # the hub manager's walk already asked the admin for far dates and large ids
        for method, query in variants:
            if name in SIGN_OUT and persona != "anonymous":
                continue
            # Each request commits, as it would on the site (the test's own transaction never does: run what its
            # commit runs): staff deleting every account, their own too, are signed out by the next request.
            with django_capture_on_commit_callbacks(execute=True):
                response = client.get(url, QUERIES[query]) if method == "GET" else client.post(url, POST_BODY)
            requests += 1
            if response.status_code >= 500:
                failures.append(f"{method} {url} [{query}] → {response.status_code}")
    print(f"{persona}: {len(urls)} URLs from {len(set(n for n, _ in urls))} patterns, {requests} requests")
    assert failures == [], "\n".join(failures)
