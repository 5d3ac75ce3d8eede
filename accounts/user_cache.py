"""The signed-in user of each request from the shared cache, instead of a query on every page.

Django's AuthenticationMiddleware reads the user's row on every request of every signed-in person, though it
changes a few times a year. Here the row is kept in the shared cache, per person, with what the session must
match (the session auth hash, which changes with the password), and dropped whenever the row is saved or
deleted (a per-person version bumped now and again on commit, so a request reading meanwhile cannot keep the
old row) or changed with `QuerySet.update()` by code that then calls `forget_user`.

What Django checks stays checked, by Django: the entry is used only when the session's user, backend and auth
hash match it exactly; anything else (no entry, another password, a fallback secret, an inactive account) goes
through `django.contrib.auth.get_user`, which verifies, flushes or refuses as always, and only a user it
accepted is kept. Kept users are active ones: ModelBackend refuses the others, and deactivating saves the row.

The password hash is never put in the cache: the kept user has it deferred, so the rare page that needs it
(changing the password) reads it from the database, and saving that user writes only the fields it holds.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from core import versioned_cache

TIMEOUT_SECONDS = 60 * 60
_NOT_KEPT = frozenset({"password"})


def _keys(user_id) -> tuple[str, str]:
    return f"auth-user:{user_id}:version", f"auth-user:{user_id}"


def _bump(user_id) -> None:
    version_key, _ = _keys(user_id)
    try:
        cache.incr(version_key)
    except ValueError:  # no version yet: start one, which no stored entry carries
        cache.add(version_key, 1, timeout=None)
    versioned_cache.forget_version(version_key)


def forget_user(user_id) -> None:
    """The user's row changed (with `QuerySet.update()`, which sends no signal): the next request reads it again."""
    _bump(user_id)
    transaction.on_commit(lambda: _bump(user_id))


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


def get_user(request):
    """The session's user, as `django.contrib.auth.get_user` returns it, from the cache when the session matches."""
    session = request.session
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return auth.get_user(request)  # nobody signed in: Django says so (AnonymousUser)
    version_key, entry_key = _keys(user_id)
    (epoch, version), read = versioned_cache.current_versions([version_key], along=[entry_key])
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
            return user
    user = auth.get_user(request)
    if user.is_authenticated and user.is_active and str(user.pk) == str(user_id):
        cache.set(entry_key, (version, _entry(user)), timeout=TIMEOUT_SECONDS)
    return user


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` read through this module's cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def connect() -> None:
    model = get_user_model()
    post_save.connect(_on_change, sender=model, dispatch_uid="auth-user-cache:save")
    post_delete.connect(_on_change, sender=model, dispatch_uid="auth-user-cache:delete")
