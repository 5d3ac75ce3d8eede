"""Failed sign-ins on the Django admin's own login form are limited, as allauth limits its own.

allauth's ACCOUNT_RATE_LIMITS only guard /accounts/login/; /admin/login/ is a second door to the
same accounts (and to the most powerful ones). Attempts are counted by `core.ratelimit` before the
form is processed, and given back when the sign-in succeeds: per account name, normalised as
authentication normalises it (a password-guessing run on one account, however the name is spelt)
and per client address (one machine trying many accounts). Past either limit the form is not even
processed: the answer is 429 with a page that says why and what to do.
"""

import functools

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse

from . import ratelimit

PER_ACCOUNT = ratelimit.Limit("admin-login:account", attempts=5, window_seconds=15 * 60)
PER_ADDRESS = ratelimit.Limit("admin-login:address", attempts=20, window_seconds=60 * 60)


def _counters(request: HttpRequest) -> list[ratelimit.Counter]:
    counters = [ratelimit.counter(PER_ADDRESS, ratelimit.client_address(request))]
    # counter() normalises the name as the login form does (NFKC) and case-folds it as the lookup ignores case.
    account = request.POST.get("username") or ""
    if account.strip():
        counters.append(ratelimit.counter(PER_ACCOUNT, account))
    return counters


def _too_many(request: HttpRequest, lockout: ratelimit.Lockout) -> HttpResponse:
    minutes = max(1, (lockout.seconds_left + 59) // 60)
    body = render_to_string("core/admin_login_limited.html", {"minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(lockout.seconds_left)
    return response


@functools.cache
def _admin_login_path(script_prefix: str) -> str:
    # Fixed once the URLconf is loaded, for each prefix the site is served under: every POST asks.
    return reverse("admin:login")


class AdminLoginRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != _admin_login_path(get_script_prefix()):
            return self.get_response(request)
        attempt = ratelimit.consume(_counters(request))
        if not attempt.allowed:
            return _too_many(request, attempt.lockout)
        response = self.get_response(request)
        # The admin login view shows the form again (200) on a failure; anything else (the redirect of a
        # successful sign-in, a refused CSRF token) was no password guess.
        if response.status_code != 200:
            attempt.succeeded()
        return response
