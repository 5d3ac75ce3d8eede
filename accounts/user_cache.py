"""The signed-in user of each request from the shared cache, instead of a query on every page.

Django's AuthenticationMiddleware reads the user's row on every request of every signed-in person, though it
changes a few times a year. Here the row is kept in the shared cache, per person, with what the session must
match (the session auth hash, which changes with the password), and dropped whenever the row is saved or
deleted (a per-person version bumped when the change commits, read before the row, so a request reading meanwhile
cannot keep the old row: `forget_user`) or changed with `QuerySet.update()` by code that then calls `forget_user`.

What Django checks stays checked, by Django: the entry is used only when the session's user, backend and auth
hash match it exactly; anything else (no entry, another password, a fallback secret, an inactive account) goes
through `django.contrib.auth.get_user`, which verifies, flushes or refuses as always, and only a user it
accepted is kept. Kept users are active ones: ModelBackend refuses the others, and deactivating saves the row.

The session and the user's entry come in one round trip when this process has seen the session before (it knows
whose it is, accounts/sessions.py); otherwise the session is read, then the user, as Django would.

The password hash is never put in the cache: the kept user has it deferred, so the rare page that needs it
(changing the password) reads it from the database, and saving that user writes only the fields it holds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare

from core import versioned_cache

TIMEOUT_SECONDS = 60 * 60
_NOT_KEPT = frozenset({"password"})


def _keys(user_id) -> tuple[str, str]:
    return f"auth-user:{user_id}:version", f"auth-user:{user_id}"


def forget_user(user_id) -> None:
    """The user's row changed (with `QuerySet.update()`, which sends no signal): the next request reads it again.

    Their version is bumped when the transaction commits (at once outside one), not before as well: a request that
    reads the row between the change and the commit cannot keep it past the commit, because `get_user` reads the
    version before it reads the row, so the row it read (as committed before the change) is stored under the
    version the commit then bumps, and is never used again. A bump before the commit would only serve a reader
    inside the changing transaction, and there is none: `get_user` runs once per request, in the authentication
    middleware, before any view opens a transaction (ATOMIC_REQUESTS is off). The bump goes with the
    transaction's other version bumps, in one round trip (`versioned_cache.bump_on_commit`).
    """
    versioned_cache.bump_on_commit(_keys(user_id)[0])


def _on_change(sender, instance, **kwargs) -> None:
    forget_user(instance.pk)


def _kept_fields(model) -> list:
    return [field for field in model._meta.concrete_fields if field.attname not in _NOT_KEPT]


def _entry(user) -> tuple:
    fields = _kept_fields(type(user))
    return (
        str(user.pk),
        user.get_session_auth_hash(),
        tuple(field.attname for field in fields),
        tuple(getattr(user, field.attname) for field in fields),
    )


def _user_from(entry):
    _pk, _hash, names, values = entry
    model = get_user_model()
    if names != tuple(field.attname for field in _kept_fields(model)):
        return None  # kept by another release with other fields
    return model.from_db(DEFAULT_DB_ALIAS, list(names), list(values))


# Whose each session this process has seen is: with it, the next request of that session reads the session and
# its user's entry in one round trip (accounts/sessions.py). Only a guess about which entry to read along: what is
# used is decided as before, from the session as read; a wrong or missing guess costs the second round trip.
_session_users: OrderedDict[str, str] = OrderedDict()
SESSIONS_REMEMBERED = 10_000
_session_users_lock = threading.Lock()  # threaded workers


def _read_with_session(session) -> tuple[str, dict] | None:
    """The session read together with its user's entry and versions, when this process knows whose it is: the
    user's id and what was read of the user (the session's data is handed to the session)."""
    read_along_key = getattr(session, "read_along_key", None)
    session_key = read_along_key() if read_along_key is not None else None
    user_id = _session_users.get(session.session_key) if session_key is not None else None
    if user_id is None:
        return None
    version_key, entry_key = _keys(user_id)
    _, read = versioned_cache.current_versions([version_key], along=[entry_key, session_key])
    if read is None:  # the versions were read already (not at a request's start): the usual way
        return None
    session.read_along(read.pop(session_key, None))
    return user_id, read


def _remember_session(session, user_id) -> None:
    if session.session_key is None:
        return
    with _session_users_lock:
        _session_users[session.session_key] = str(user_id)
        _session_users.move_to_end(session.session_key)
        while len(_session_users) > SESSIONS_REMEMBERED:
            _session_users.popitem(last=False)


def get_user(request):
    """The session's user, as `django.contrib.auth.get_user` returns it, from the cache when the session matches."""
    session = request.session
    read_with_session = _read_with_session(session)
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)  # nobody signed in: Django says so (AnonymousUser)
    version_key, entry_key = _keys(user_id)
    (epoch, version), read = versioned_cache.current_versions([version_key], along=[entry_key])
    if read is None and read_with_session is not None and read_with_session[0] == str(user_id):
        read = read_with_session[1]
    found = cache.get(entry_key) if read is None else read.get(entry_key)
    session_hash = session.get(HASH_SESSION_KEY)
    if (
        found is not None
        and found[0] == version
        and backend_path in settings.AUTHENTICATION_BACKENDS
        and found[1][0] == str(user_id)
        and session_hash
        and constant_time_compare(session_hash, found[1][1])
    ):
        user = _user_from(found[1])
        if user is not None:
            _remember_session(session, user_id)
            return user
    user = auth.get_user(request)
    if user.is_authenticated and user.is_active and str(user.pk) == str(user_id):
        cache.set(entry_key, (version, _entry(user)), timeout=TIMEOUT_SECONDS)
        _remember_session(session, user_id)
    return user


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` read through this module's cache.

    Read at once rather than lazily: the next middleware (accounts.middleware.UserPreferencesMiddleware) asks every
    request whether its user is signed in, so the lazy object only cost a detour on each of the dozens of times a
    page reads `request.user` or `user` (a SimpleLazyObject's attribute lookup is several Python calls)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = _get_user(request)


def connect() -> None:
    model = get_user_model()
    post_save.connect(_on_change, sender=model, dispatch_uid="auth-user-cache:save")
    post_delete.connect(_on_change, sender=model, dispatch_uid="auth-user-cache:delete")
