"""Failed sign-ins on the Django admin's own login form are limited, as allauth limits its own.

allauth's ACCOUNT_RATE_LIMITS only guard /accounts/login/; /admin/login/ is a second door to the
same accounts (and to the most powerful ones). Failures are counted in the shared cache, in fixed
windows: per account name (a password-guessing run on one account) and per client address (one
machine trying many accounts). Past either limit the form is not even processed: the answer is 429
with a page that says why and what to do. Only failures count, so staff who type their password
right are never held back by the per-address window filling slowly.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse


@dataclass(frozen=True)
class Limit:
    scope: str
    failures: int
    window_seconds: int


PER_ACCOUNT = Limit("account", failures=5, window_seconds=15 * 60)
PER_ADDRESS = Limit("address", failures=20, window_seconds=60 * 60)


def _cache_key(limit: Limit, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"admin-login-failures:{limit.scope}:{digest}"


def _client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (it honours ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(request) or "unknown"


def _counters(request: HttpRequest) -> list[tuple[Limit, str]]:
    counters = [(PER_ADDRESS, _cache_key(PER_ADDRESS, _client_address(request)))]
    account = (request.POST.get("username") or "").strip().lower()
    if account:
        counters.append((PER_ACCOUNT, _cache_key(PER_ACCOUNT, account)))
    return counters


def _exceeded(counters: list[tuple[Limit, str]]) -> Limit | None:
    values = cache.get_many([key for _, key in counters])
    for limit, key in counters:
        if values.get(key, 0) >= limit.failures:
            return limit
    return None


def _record_failure(counters: list[tuple[Limit, str]]) -> None:
    for limit, key in counters:
        # add() starts the window only if none is running; incr() is atomic on Redis and on locmem.
        cache.add(key, 0, timeout=limit.window_seconds)
        try:
            cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.add(key, 1, timeout=limit.window_seconds)


def _too_many(request: HttpRequest, limit: Limit) -> HttpResponse:
    minutes = limit.window_seconds // 60
    body = render_to_string("echo_portal/admin_login_limited.html", {"minutes": minutes}, request=request)
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(limit.window_seconds)
    return response


class AdminLoginRateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path != reverse("admin:login"):
            return self.get_response(request)
        counters = _counters(request)
        limit = _exceeded(counters)
        if limit is not None:
            return _too_many(request, limit)
        response = self.get_response(request)
        # The admin login view redirects on success and shows the form again (200) on a failure.
        if response.status_code == 200:
            _record_failure(counters)
        return response
