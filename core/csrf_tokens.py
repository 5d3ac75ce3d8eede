"""A page's CSRF token as `django.middleware.csrf.get_token` gives it, in a fraction of its time.

Every signed-in page and every stored visitor page carries a token (the language switch, sign out, the key box are
POST forms). Django masks the secret with a random string drawn one `secrets.choice` per character (64 of them for
a new visitor); here both random strings come from one read of the system's randomness. The result is the same
kind of token: the secret (the request's, as Django's middleware read and checked it from the cookie, or a new one)
masked with a fresh uniformly random mask, in the form Django's CsrfViewMiddleware unmasks; the cookie is (re)set
with that secret when the response goes out, exactly as after `get_token`.

A stored visitor page (core/page_cache.py) is served before Django's CSRF middleware runs, and sets the visitor's
cookie with `send_cookie`: the cookie Django's middleware makes, copied from one it made within the last minute,
with the visitor's secret in it (Django formats the cookie's date and checks each attribute every time).
"""

from __future__ import annotations

import secrets
import time
from http.cookies import Morsel

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

_ALPHABET_SIZE = len(CSRF_ALLOWED_CHARS)
# "sm" (a secret character, then a mask character) → the masked character: one lookup per character.
_MASKED = {
    s + m: CSRF_ALLOWED_CHARS[(i + j) % _ALPHABET_SIZE]
    for i, s in enumerate(CSRF_ALLOWED_CHARS)
    for j, m in enumerate(CSRF_ALLOWED_CHARS)
}
# Random bytes below this are used (taken modulo the alphabet's size), the others dropped: every character
# equally likely, as with `secrets.choice`. Both steps done by bytes.translate, in one call.
_UNBIASED_BELOW = 256 - 256 % _ALPHABET_SIZE
_TO_ALPHABET = bytes(ord(CSRF_ALLOWED_CHARS[byte % _ALPHABET_SIZE]) for byte in range(256))
_BIASED = bytes(range(_UNBIASED_BELOW, 256))


def random_string(length: int) -> str:
    """`length` characters of CSRF_ALLOWED_CHARS, each drawn uniformly from the system's secure randomness."""
    drawn = b""
    while len(drawn) < length:
        drawn += secrets.token_bytes(length + 8).translate(None, _BIASED).translate(_TO_ALPHABET)
    return drawn[:length].decode("ascii")


def masked(secret: str) -> str:
    """`secret` masked with a fresh random mask, as Django masks it: each character shifted along the alphabet by
    its mask character, the mask first."""
    mask = random_string(CSRF_SECRET_LENGTH)
    return mask + "".join(map(_MASKED.__getitem__, map(str.__add__, secret, mask)))


def get_token(request: HttpRequest) -> str:
    """What `django.middleware.csrf.get_token` does: the request's secret (a new one if it has none) masked, and
    the secret marked to be sent in the CSRF cookie with the response."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        secret = random_string(CSRF_SECRET_LENGTH)
    request.META.update(CSRF_COOKIE=secret, CSRF_COOKIE_NEEDS_UPDATE=True)
    return masked(secret)


def csrf(request: HttpRequest) -> dict:
    """Context processor: `csrf_token` as Django's own built-in one gives it (computed when a template first uses
    it, once per request), through `get_token` above. Listed after Django's, whose value it replaces."""
    return {"csrf_token": SimpleLazyObject(lambda: get_token(request))}


# The CSRF cookie as Django's middleware last made it for `send_cookie`, and when (time.monotonic()).
_COOKIE_KEPT_SECONDS = 60
_made_cookie: list[tuple[float, Morsel]] = []


def _djangos_cookie() -> Morsel:
    """The CSRF cookie CsrfViewMiddleware sets on a response now (name, attributes, expiry), for a made-up secret."""
    request = HttpRequest()
    request.META.update(CSRF_COOKIE="0" * CSRF_SECRET_LENGTH, CSRF_COOKIE_NEEDS_UPDATE=True)
    response = CsrfViewMiddleware(lambda request: HttpResponse()).process_response(request, HttpResponse())
    return response.cookies[settings.CSRF_COOKIE_NAME]


def send_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """What CsrfViewMiddleware.process_response does: once the request's token has been asked for, its secret goes
    out in the CSRF cookie. The cookie is the one Django's middleware made within the last `_COOKIE_KEPT_SECONDS`
    with this secret in it: the same attributes and Max-Age, an expiry date at most that much earlier."""
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return response
    now = time.monotonic()
    if not _made_cookie or now - _made_cookie[0][0] >= _COOKIE_KEPT_SECONDS:
        _made_cookie[:] = [(now, _djangos_cookie())]
    cookie = _made_cookie[0][1].copy()
    secret = request.META["CSRF_COOKIE"]
    cookie.set(settings.CSRF_COOKIE_NAME, secret, secret)  # a secret's characters need no quoting
    response.cookies[settings.CSRF_COOKIE_NAME] = cookie
    patch_vary_headers(response, ("Cookie",))
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return response


def _forget_made_cookie(setting: str, **kwargs) -> None:
    if setting.startswith("CSRF_"):
        _made_cookie.clear()


setting_changed.connect(_forget_made_cookie, dispatch_uid="csrf-tokens:forget-made-cookie")
