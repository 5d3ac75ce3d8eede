"""Failed sign-ins on the Django admin's own login form are limited, as allauth limits its own.

allauth's ACCOUNT_RATE_LIMITS only guard /accounts/login/; /admin/login/ is a second door to the
same accounts (and to the most powerful ones). Failures are counted by `core.ratelimit`: per account
name (a password-guessing run on one account) and per client address (one machine trying many
accounts). Past either limit the form is not even processed: the answer is 429 with a page that
says why and what to do.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from . import ratelimit

PER_ACCOUNT = ratelimit.Limit("admin-login:account", failures=5, window_seconds=15 * 60)
PER_ADDRESS = ratelimit.Limit("admin-login:address", failures=20, window_seconds=60 * 60)


def _client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (it honours ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(request) or "unknown"


def _counters(request: HttpRequest) -> list[ratelimit.Counter]:
    counters = [ratelimit.counter(PER_ADDRESS, _client_address(request))]
    account = (request.POST.get("username") or "").strip().lower()
    if account:
        counters.append(ratelimit.counter(PER_ACCOUNT, account))
    return counters


def _too_many(request: HttpRequest, lockout: ratelimit.Lockout) -> HttpResponse:
    minutes = max(1, (lockout.seconds_left + 59) // 60)
    body = render_to_string("core/admin_login_limited.html", {"minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(lockout.seconds_left)
    return response


class AdminLoginRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != reverse("admin:login"):
            return self.get_response(request)
        counters = _counters(request)
        lockout = ratelimit.lockout(counters)
        if lockout is not None:
            return _too_many(request, lockout)
        response = self.get_response(request)
        # The admin login view redirects on success and shows the form again (200) on a failure.
        if response.status_code == 200:
            ratelimit.record_failure(counters)
        return response
