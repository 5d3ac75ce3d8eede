"""What every page pays, done faster, gives what Django and django-csp give: the same policy header, tokens Django
accepts, admin times in Eastern (core/content_security_policy.py, core/csrf_tokens.py, accounts/middleware.py).

Alice is a signed-in learner who reads the portal in Vancouver time; staff run the programme.
"""

import collections
import re
from types import SimpleNamespace

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCspMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse

from core import csrf_tokens
from core.content_security_policy import CSPMiddleware

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _both(request_factory, view, path="/somewhere/"):
    """The headers django-csp's own middleware and ours give the same response, and whether each then refuses a
    nonce asked for too late (it would not be in the header)."""
    headers = []
    for middleware_class in (DjangoCspMiddleware, CSPMiddleware):
        request = request_factory.get(path)
        middleware = middleware_class(view)
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
        with pytest.raises(CSPNonceError):
            str(request.csp_nonce)
        headers.append(
            {name: response.get(name) for name in ("Content-Security-Policy", "Content-Security-Policy-Report-Only")}
        )
    return headers


def _plain(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https://images.example.org"]})
def _updated(request):
    return HttpResponse("ok")


@csp_exempt()
def _exempt(request):
    return HttpResponse("ok")


def _own_header(request):
    response = HttpResponse("ok")
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@pytest.mark.parametrize("view", [_plain, _updated, _exempt, _own_header])
def test_the_policy_header_is_the_one_django_csp_builds(view):
    theirs, ours = _both(RequestFactory(), view)

    assert ours == theirs
    if view is _plain:
        assert "default-src 'self'" in ours["Content-Security-Policy"]


def test_a_page_that_used_a_nonce_goes_through_django_csp(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(_plain)
    middleware.process_request(request)
    nonce = str(request.csp_nonce)

    response = middleware.process_response(request, _plain(request))

    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_a_changed_policy_setting_is_built_again(settings):
    request_factory = RequestFactory()
    before = _both(request_factory, _plain)[1]["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/x/"]}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}

    theirs, ours = _both(request_factory, _plain)
    excluded_theirs, excluded_ours = _both(request_factory, _plain, path="/x/page/")

    assert ours == theirs and ours["Content-Security-Policy"] != before
    assert ours["Content-Security-Policy-Report-Only"] == "default-src 'self'"
    assert excluded_ours == excluded_theirs and excluded_ours["Content-Security-Policy"] is None


def test_every_page_still_carries_the_policy(client, clinician):
    visitor = client.get(reverse("home"))
    client.force_login(clinician)
    signed_in = client.get(reverse("home"))

    assert visitor["Content-Security-Policy"] == signed_in["Content-Security-Policy"]
    assert "script-src 'self'" in signed_in["Content-Security-Policy"]


def test_a_token_is_the_request_secret_masked_and_the_cookie_is_set_with_it():
    request = SimpleNamespace(META={"CSRF_COOKIE": "a" * 32})
    tokens = {csrf_tokens.get_token(request) for _ in range(50)}

    assert len(tokens) == 50  # a fresh mask each time
    assert all(len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS) for token in tokens)
    assert {_unmask_cipher_token(token) for token in tokens} == {"a" * 32}
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True

    new = SimpleNamespace(META={})
    token = csrf_tokens.get_token(new)
    assert len(new.META["CSRF_COOKIE"]) == 32 and _unmask_cipher_token(token) == new.META["CSRF_COOKIE"]
    assert new.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_every_character_of_the_alphabet_is_drawn_about_equally_often():
    drawn = collections.Counter(csrf_tokens.random_string(62 * 400))

    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    assert max(drawn.values()) < 1.5 * min(drawn.values())


def test_a_signed_in_page_token_is_accepted_and_is_the_learners_own(clinician, outsider):
    alice, charlie = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    alice.force_login(clinician)
    charlie.force_login(outsider)
    alices_page, charlies_page = alice.get(reverse("home")), charlie.get(reverse("home"))
    alices_tokens = TOKEN.findall(alices_page.content.decode())
    secret = alices_page.cookies[settings.CSRF_COOKIE_NAME].value

    assert len(set(alices_tokens)) == 1  # one token per page, as Django's context processor gives
    assert _unmask_cipher_token(alices_tokens[0]) == secret
    assert _unmask_cipher_token(TOKEN.findall(charlies_page.content.decode())[0]) != secret
    switched = alice.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": alices_tokens[0]}
    )
    assert switched.status_code == 302
    refused = alice.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_the_admin_address_follows_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    from accounts.middleware import _admin_prefix

    before = get_script_prefix()
    try:
        assert _admin_prefix() == reverse("admin:index") == "/admin/"
        set_script_prefix("/portal/")
        assert _admin_prefix() == "/portal/admin/"
    finally:
        set_script_prefix(before)
    assert _admin_prefix() == "/admin/"
