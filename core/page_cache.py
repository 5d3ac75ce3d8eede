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

Parts of signed-in pages that are the same for everyone (`programme_fragment`) follow the same
programme version; those that show seats (a "Full" badge, places left) also follow a second version,
bumped on every enrollment and registration change (`invalidate_seats_on_change`), so they are never
staler than the last seat taken. That second version leaves the visitors' cached pages alone: a
registration burst does not empty them.

Each web process also keeps the stored pages it served last for PUBLIC_PAGE_WORKER_SECONDS (1 s), so a
newsletter's crowd costs no round trip to the shared cache per visitor; a change made in this process
forgets them at once, one made in another process (another web worker, a Celery task) reaches its
visitors within those seconds.

Two middleware share the entries. `PublicPageCacheMiddleware`, after authentication and messages,
decides which responses may be shared (the rules above) and serves entries to the visitors only it
can recognise as anonymous (a session cookie that belongs to no one). `VisitorPageMiddleware`, right
after SecurityMiddleware, stores those responses with the headers the whole middleware stack gave
them (CSP, X-Frame-Options, Vary, Content-Language) and serves a visitor who brings no session and
no message cookie before sessions, locale, authentication, messages or URL resolving run: it
negotiates the language as LocaleMiddleware does (language cookie, then Accept-Language), checks
the host as CommonMiddleware does, reads the visitor's CSRF cookie through Django's own
CsrfViewMiddleware and hands out their token and cookie as it does (core/csrf_tokens.py). Both are
installed (settings.MIDDLEWARE); without the outer one nothing is stored.
"""

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from . import csrf_tokens, versioned_cache

VERSION_KEY = "public-page:version"
SEATS_VERSION_KEY = "public-page:seats-version"
# Every page's fragments follow these: read once per request, with the other shared versions.
versioned_cache.share_version_key(VERSION_KEY)
versioned_cache.share_version_key(SEATS_VERSION_KEY)
# A page's CSRF token: the value of each form's token field.
CSRF_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[^"]*')


def _seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def invalidate_public_pages() -> None:
    """Every cached public page is dropped: entries remember the version they were rendered under.

    Dropped now and again when the transaction commits: a visitor served between the two
    would otherwise have the page as it was before the change cached for its whole lifetime.
    (The commit's bump goes with the transaction's other version bumps, in one round trip.)
    """
    versioned_cache.bump(VERSION_KEY)
    forget_recent_pages()
    versioned_cache.bump_on_commit(VERSION_KEY)
    # Registered after the bump's hook, so it runs after the bump: no page kept from before comes back.
    transaction.on_commit(forget_recent_pages)


def _on_change(sender, **kwargs) -> None:
    invalidate_public_pages()


def _connect(receiver, models, *, uid_prefix: str, links: bool) -> None:
    for model in models:
        uid = f"{uid_prefix}:{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many if links else ():
            m2m_changed.connect(receiver, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")


def invalidate_on_change(*models) -> None:
    """Drop every cached page whenever a row of these models is saved or deleted, or their m2m links change."""
    _connect(_on_change, models, uid_prefix="page_cache", links=True)


def invalidate_seat_counts() -> None:
    """Every fragment that shows seats is dropped when the transaction commits (at once outside one).

    On commit is enough: `programme_value` reads the versions before it computes, so a fragment computed from rows
    as they were before the commit is stored under the version the commit then bumps, and is never served again.
    (Unlike `invalidate_public_pages`, nothing is bumped before: seats move under the seat lock, which a
    registration burst queues on, and a round trip to the cache under it would keep everyone behind it waiting.)

    Once per transaction however many seats it moves (registering in an open series joins it on the way, two
    changes), in the round trip that sends the transaction's other version bumps (`versioned_cache.bump_on_commit`).
    """
    versioned_cache.bump_on_commit(SEATS_VERSION_KEY)


def _on_seats_change(sender, **kwargs) -> None:
    invalidate_seat_counts()


def invalidate_seats_on_change(*models) -> None:
    """Drop the fragments that show seats whenever a row of these models (who holds a seat) is saved or deleted."""
    _connect(_on_seats_change, models, uid_prefix="page_cache:seats", links=False)


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


def _key(request: HttpRequest, *, language: str, zone: str) -> str:
    digest = hashlib.sha256(f"{request.get_host()} {request.get_full_path()}".encode()).hexdigest()[:40]
    return f"public-page:2:{language}:{zone}:{digest}"  # 2: the content stored as `_cut_at_tokens` cuts it


def _key_as_rendered(request: HttpRequest) -> str:
    """The key of the page being rendered: in the language and time zone the middleware activated."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _key(request, language=language, zone=timezone.get_current_timezone_name())


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
        cache.add(VERSION_KEY, versioned_cache.first_version(), timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version, found.get(key)


# The pages this process served last, each kept for PUBLIC_PAGE_WORKER_SECONDS: serving one costs no round trip
# to the shared cache, which is most of what a stored page costs on a busy machine (docs/benchmarks.md). An
# invalidation in this process forgets them at once; one made in another process (a worker, the other web
# workers) is seen here within those seconds. `_generation` tells a page rendered across an invalidation.
_recent_pages: dict[str, tuple[float, Any]] = {}
clock = time.monotonic  # tests move it
_generation = [0]
_RECENT_PAGES_KEPT = 64


def _worker_seconds() -> float:
    return getattr(settings, "PUBLIC_PAGE_WORKER_SECONDS", 0)


def forget_recent_pages() -> None:
    """This process's copies of stored pages are dropped (an invalidation here; each test starts without them)."""
    _generation[0] += 1
    _recent_pages.clear()


def _recent_page(key: str):
    found = _recent_pages.get(key)
    if found is not None and found[0] > clock():
        return found[1]
    return None


def _remember_page(key: str, entry, *, generation: int) -> None:
    seconds = _worker_seconds()
    if seconds <= 0 or generation != _generation[0]:
        return
    if len(_recent_pages) >= _RECENT_PAGES_KEPT and key not in _recent_pages:
        _recent_pages.pop(next(iter(_recent_pages), key), None)  # the oldest: dicts keep insertion order
    _recent_pages[key] = (clock() + seconds, entry)


def _cut_at_tokens(content: bytes) -> tuple[bytes, ...]:
    """A rendered page without its CSRF tokens, in the pieces between them: how it is stored. Each visitor's page is
    their own token joined between the pieces, one copy of the page (putting it in place of a placeholder would
    search the whole page for each visitor)."""
    return tuple(CSRF_TOKEN.split(content))


def _with_token(pieces: tuple[bytes, ...], token: Callable[[], str]) -> bytes:
    """The stored page for one visitor: `token()` (called only if the page has a form) joined between the pieces."""
    return pieces[0] if len(pieces) == 1 else token().encode().join(pieces)


# Headers the outer middleware does not replay: the length is the page's with the visitor's token in it,
# and cookies are each visitor's own (the CSRF cookie is set per visitor; any other makes a page unshareable).
_NOT_REPLAYED = frozenset({"content-length", "set-cookie"})


class PublicPageCacheMiddleware:
    """Decides which anonymous responses may be shared; serves entries to anonymous visitors with a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending = getattr(request, "_public_page_cache", None)
        if pending is not None and _storable(response):
            key, version = pending
            # Stored by VisitorPageMiddleware, with the headers the whole stack gave the response.
            request._public_page_store = (key, version, _cut_at_tokens(response.content))
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not _eligible(request):
            return None
        key = _key_as_rendered(request)
        missed = getattr(request, "_public_page_missed", None)
        if missed is not None and missed[0] == key:
            version, cached = missed[1], None  # the outer middleware just looked this key up
        else:
            version, cached = _versioned_get(key)
        if cached is None or cached[0] != version:
            # Remember the version read before rendering: an edit made meanwhile leaves this copy stale-marked.
            request._public_page_cache = (key, version)
            return None
        _, pieces, headers = cached
        content = _with_token(pieces, lambda: csrf_tokens.get_token(request))
        return HttpResponse(content, content_type=dict(headers)["Content-Type"])


class VisitorPageMiddleware:
    """Serves a stored public page to a visitor who is not signed in, before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)  # reads and checks the visitor's CSRF cookie, as for any request

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._anonymous_reader(request):
            # As LocaleMiddleware negotiates it (no language in the path here); time zone as for every visitor.
            language = translation.get_language_from_request(request)
            # The key names the host: one the site does not serve is refused here (400), as CommonMiddleware does.
            key = _key(request, language=language, zone=settings.DEFAULT_VIEWER_TIME_ZONE)
            recent = _recent_page(key)
            if recent is not None:
                return self._serve(request, recent)
            generation = _generation[0]
            version, cached = _versioned_get(key)
            if cached is not None and cached[0] == version:
                _remember_page(key, cached, generation=generation)
                return self._serve(request, cached)
            request._public_page_missed = (key, version)
        generation = _generation[0]
        response = self.get_response(request)
        pending = getattr(request, "_public_page_store", None)
        if pending is not None and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}:
            key, version, pieces = pending
            headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_REPLAYED]
            entry = (version, pieces, headers)
            cache.set(key, entry, timeout=_seconds())
            # Not when the programme changed while it rendered: the shared copy is stale-marked, this one must go.
            _remember_page(key, entry, generation=generation)
        return response

    @staticmethod
    def _anonymous_reader(request: HttpRequest) -> bool:
        """Certainly not signed in and nothing personal waiting (no session, no message): any other request
        goes down the whole stack, where PublicPageCacheMiddleware may still serve it."""
        return (
            request.method in ("GET", "HEAD")
            and _seconds() > 0
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
        )

    def _serve(self, request: HttpRequest, cached) -> HttpResponse:
        _, pieces, headers = cached
        content = _with_token(pieces, lambda: self._visitor_token(request))
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(content))
        return csrf_tokens.send_cookie(request, response)

    def _visitor_token(self, request: HttpRequest) -> str:
        """What `django.middleware.csrf.get_token` gives, in a fraction of its time (core/csrf_tokens.py). The secret
        is the one in the visitor's CSRF cookie, read and checked by Django's own middleware, or a new one."""
        self.csrf.process_request(request)  # the visitor's secret from their cookie, if it is a valid one
        return csrf_tokens.get_token(request)


def programme_value(name: str, compute: Callable[[], Any], *, shows_seats: bool = False) -> Any:
    """A value (rows read for a page, rendered HTML) that is the same for every viewer of a language and time zone,
    computed at most PUBLIC_PAGE_CACHE_SECONDS ago and dropped with the cached public pages whenever the
    programme changes. It must pickle; each caller gets a copy of its own.

    `name` says what the value depends on besides language and time zone (the page, its query string). With
    `shows_seats`, the value is also dropped whenever an enrollment or a registration changes, so seat counts and
    "Full" badges are as fresh as the database; without it, counts that move with registrations may lag by the
    cache time, as on cached pages.

    The versions are read once per request and the value is kept in this process too (core/versioned_cache.py):
    a page's fragments cost no round trip to the shared cache once this process has them, and are still dropped
    by the next request after any process changes the programme or a seat.
    """
    seconds = _seconds()
    if seconds <= 0:
        return compute()
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"public-fragment:{name}:{language}:{timezone.get_current_timezone_name()}"
    (epoch, *current), read = versioned_cache.current_versions(
        [VERSION_KEY, SEATS_VERSION_KEY] if shows_seats else [VERSION_KEY], along=[key]
    )
    versions = tuple(current)
    value = versioned_cache.local_get(key, (epoch, versions))
    if value is not versioned_cache.MISSING:
        return value
    cached = cache.get(key) if read is None else read.get(key)
    # (versions, value, deadline): the deadline is the one it was made with, however many processes copy it.
    if cached is not None and len(cached) == 3 and cached[0] == versions and cached[2] > time.time():
        versioned_cache.local_set(key, (epoch, versions), cached[1], deadline=cached[2])
        return cached[1]
    # The versions read before computing: an edit made meanwhile leaves this copy stale-marked.
    value = compute()
    deadline = time.time() + seconds
    cache.set(key, (versions, value, deadline), timeout=seconds)
    versioned_cache.local_set(key, (epoch, versions), value, deadline=deadline)
    return value


def programme_fragment(name: str, render: Callable[[], str], *, shows_seats: bool = False) -> str:
    """HTML that is the same for every viewer (a list of the programme's series, say), as `programme_value` keeps it.

    For the parts of a personal page that are not personal: the page itself is rendered for each viewer,
    this part once.
    """
    html = programme_value(name, lambda: str(render()), shows_seats=shows_seats)
    return mark_safe(html)  # noqa: S308 (HTML rendered from a template, by this process or one like it)


def programme_fragments(
    names: list[str], render_missing: Callable[[list[str]], dict[str, str]], *, shows_seats: bool = False
) -> dict[str, str]:
    """Several fragments kept as `programme_fragment` keeps one: a card per session of a list whose sessions differ
    from viewer to viewer (each card the same for everyone who sees it). Those this process has are used without a
    round trip; the others are read from the shared cache in one.

    `render_missing` gets the names not in the cache (or made under an older version) and returns their HTML by
    name, so what they are made from is read once for all of them.
    """
    names = list(dict.fromkeys(names))
    seconds = _seconds()
    if seconds <= 0 or not names:
        rendered = render_missing(names) if names else {}
        return {name: mark_safe(str(rendered[name])) for name in names}  # noqa: S308 (as programme_fragment)
    language = translation.get_language() or settings.LANGUAGE_CODE
    zone = timezone.get_current_timezone_name()
    keys = {name: f"public-fragment:{name}:{language}:{zone}" for name in names}
    (epoch, *current), read = versioned_cache.current_versions(
        [VERSION_KEY, SEATS_VERSION_KEY] if shows_seats else [VERSION_KEY], along=list(keys.values())
    )
    versions = tuple(current)
    html = {}
    for name, key in keys.items():
        value = versioned_cache.local_get(key, (epoch, versions))
        if value is not versioned_cache.MISSING:
            html[name] = value
    unread = [keys[name] for name in names if name not in html]
    if unread:
        found = cache.get_many(unread) if read is None else read
        now = time.time()
        for name in names:
            # (versions, html, deadline), as `programme_value` keeps its values.
            cached = None if name in html else found.get(keys[name])
            if cached is not None and len(cached) == 3 and cached[0] == versions and cached[2] > now:
                html[name] = cached[1]
                versioned_cache.local_set(keys[name], (epoch, versions), cached[1], deadline=cached[2])
    missing = [name for name in names if name not in html]
    if missing:
        # The versions read before rendering: an edit made meanwhile leaves these copies stale-marked.
        rendered = {name: str(rendered) for name, rendered in render_missing(missing).items()}
        deadline = time.time() + seconds
        cache.set_many({keys[name]: (versions, rendered[name], deadline) for name in missing}, timeout=seconds)
        for name in missing:
            versioned_cache.local_set(keys[name], (epoch, versions), rendered[name], deadline=deadline)
        html.update(rendered)
    return {name: mark_safe(html[name]) for name in names}  # noqa: S308 (as programme_fragment)
