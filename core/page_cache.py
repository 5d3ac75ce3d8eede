"""Public pages, as an anonymous visitor sees them, are kept in the shared cache for a few seconds.

Why: a newsletter sends thousands of people to the same few pages within minutes, and rendering
a page of session cards costs far more than Django itself does (see docs/benchmarks.md). Most of
those visitors are not signed in and all see the same page, so it is rendered once per language
and kept for PUBLIC_PAGE_CACHE_SECONDS (0 turns this off).

What keeps it correct:
- only GET/HEAD of the listed public pages, only for visitors who are not signed in and have no
  message waiting for them, only 200 HTML responses that set no cookie of their own;
- one entry per page, query string, language and time zone;
- the page's CSRF tokens (the language switch is a POST form) are not shared: they are taken out
  when a page is stored and each visitor's own token is put in when it is served, so Django's CSRF
  middleware sets the visitor's cookie exactly as for a freshly rendered page;
- a change staff make to the programme invalidates every entry at once: the apps whose rows make up
  those pages connect their models with `invalidate_on_change`, and services that change them with
  `QuerySet.update()` (which sends no signal) call `invalidate_public_pages()` themselves;
  counts that move with registrations (seats left) may lag by at most the cache time for visitors
  who are not signed in, while the registration form itself is always live.
"""

import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

VERSION_KEY = "public-page:version"
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"


def _seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def _bump_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: start one, which no stored entry carries
        cache.add(VERSION_KEY, 1, timeout=None)


def invalidate_public_pages() -> None:
    """Every cached public page is dropped: entries remember the version they were rendered under.

    Dropped now and again when the transaction commits: a visitor served between the two
    would otherwise have the page as it was before the change cached for its whole lifetime.
    """
    _bump_version()
    transaction.on_commit(_bump_version)


def _on_change(sender, **kwargs) -> None:
    invalidate_public_pages()


def invalidate_on_change(*models) -> None:
    """Drop every cached page whenever a row of these models is saved or deleted, or their m2m links change."""
    for model in models:
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_on_change, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")


def _has_waiting_messages(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or bool(session is not None and session.get("_messages"))


def _eligible(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        _seconds() > 0
        and request.method in ("GET", "HEAD")
        and match is not None
        and match.view_name in settings.PUBLIC_PAGE_CACHE_VIEWS
        and not request.user.is_authenticated
        and not _has_waiting_messages(request)
    )


def _key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:40]
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"public-page:{language}:{timezone.get_current_timezone_name()}:{digest}"


def _storable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


def _versioned_get(key: str):
    """The programme's current version and the entry under `key` (made under some version), in one round trip."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version, found.get(key)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending = getattr(request, "_public_page_cache", None)
        if pending is not None and _storable(response):
            key, version = pending
            content = CSRF_FIELD.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content)
            cache.set(key, (version, content, response["Content-Type"]), timeout=_seconds())
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not _eligible(request):
            return None
        key = _key(request)
        version, cached = _versioned_get(key)
        if cached is None or cached[0] != version:
            # Remember the version read before rendering: an edit made meanwhile leaves this copy stale-marked.
            request._public_page_cache = (key, version)
            return None
        _, content, content_type = cached
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        return HttpResponse(content, content_type=content_type)


def programme_fragment(name: str, render: Callable[[], str]) -> str:
    """HTML that is the same for every viewer of a language and time zone, signed in or not (a list of the
    programme's series, say), rendered at most PUBLIC_PAGE_CACHE_SECONDS ago and dropped with the cached
    public pages whenever the programme changes.

    For the parts of a personal page that are not personal: the page itself is rendered for each viewer,
    this part once. Counts that move with registrations may lag by the cache time, as on cached pages.
    """
    seconds = _seconds()
    if seconds <= 0:
        return render()
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"public-fragment:{name}:{language}:{timezone.get_current_timezone_name()}"
    version, cached = _versioned_get(key)
    if cached is not None and cached[0] == version:
        return mark_safe(cached[1])  # noqa: S308 (HTML this module stored from a rendered template)
    # The version read before rendering: an edit made meanwhile leaves this copy stale-marked.
    html = render()
    cache.set(key, (version, str(html)), timeout=seconds)
    return html
