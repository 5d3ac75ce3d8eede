"""A family of cache entries that one change drops all at once, without finding them (a version number).

Each entry remembers the family's version it was computed under; reading an entry reads the version in the
same round trip, and an entry of an older version is a miss. Bumping the version is the invalidation: now,
and again when the transaction commits, so a reader between the two cannot store what it read before the
change under the new version for the entry's whole lifetime.

Bumps sent on commit: one round trip per commit. Every version a transaction bumps on commit (`bump_on_commit`:
a family's, the signed-in user's, the seats') is collected on its connection, each key once, and sent together
when it commits: with Redis, plain INCRs in one pipeline. A missing version starts at a random number
(`first_version`, as readers start one), so entries that outlived it are not taken for current when it starts
again; a bump that finds it missing starts it and moves it past that start in the same round trip, so no bump is
lost to a reader starting it meanwhile (the incr-then-add this replaced could lose that race).

Read once per request, kept in the process. A signed-in page asks for several shared entries (the header's hub
links, the page's programme fragments, the footer): asking the shared cache for each one's version was a round
trip each. So, during a request (between Django's request_started and request_finished signals), the versions
are read once, all in one round trip (`current_versions`), and a change this process makes drops its own copy
at once (`forget_version`). What the versions name can then be kept in this process too (`local_get`,
`local_set`): an entry is used only while the versions it was made under are still the current ones and its
deadline has not passed, so another process's edit is seen by the next request here exactly as before. The
versions are those of one cache: an epoch (a random number stored with them, made anew when the cache was
emptied) is part of every local entry's versions, so a version number started again in an emptied cache never
revives what this process kept under the old one. Outside a request (tasks, commands, shell), the
versions are read every time, as before.
"""

from __future__ import annotations

import pickle
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.signals import request_finished, request_started
from django.db import transaction
from django_redis.client import DefaultClient, HerdClient, ShardClient

EPOCH_KEY = "versioned-cache:epoch"
# Version keys every signed-in page is likely to need: read together with the first one a request asks for.
_SHARED_VERSION_KEYS: list[str] = []
# Entries kept in this process (most recently used last), and how many at most.
LOCAL_ENTRIES = 512
MISSING = object()

_request = threading.local()  # .versions: {version key: value} during a request, None outside one
_local: OrderedDict[str, tuple[tuple, float, Any, bool]] = OrderedDict()
_local_lock = threading.Lock()


def share_version_key(key: str) -> None:
    """Read `key` in the same round trip as the other versions, once per request (its owner registers it)."""
    if key not in _SHARED_VERSION_KEYS:
        _SHARED_VERSION_KEYS.append(key)


def _start(**kwargs) -> None:
    _request.versions = {}


def _finish(**kwargs) -> None:
    _request.versions = None


request_started.connect(_start, dispatch_uid="versioned-cache:request-started")
request_finished.connect(_finish, dispatch_uid="versioned-cache:request-finished")


def current_versions(keys: Sequence[str], *, along: Sequence[str] = ()) -> tuple[tuple, dict | None]:
    """The cache's epoch followed by the current value of each version in `keys`. During a request each version is
    read at most once. When they must be read, the entries named in `along` come in the same round trip: the dict
    of those found, else None (not read)."""
    memo = getattr(_request, "versions", None)
    needed = [key for key in (EPOCH_KEY, *keys) if memo is None or key not in memo]
    if not needed:
        return tuple(memo[key] for key in (EPOCH_KEY, *keys)), None
    if memo is not None:
        needed += [key for key in _SHARED_VERSION_KEYS if key not in memo and key not in needed]
    found = cache.get_many([*needed, *along])
    read = dict(memo or {})
    for key in needed:
        value = found.get(key)
        if value is None:  # no version yet: start one, which no stored entry carries
            cache.add(key, first_version(), timeout=None)
            value = cache.get(key, 1)
        read[key] = value
    if memo is not None:
        memo.update(read)
    return tuple(read[key] for key in (EPOCH_KEY, *keys)), {key: found[key] for key in along if key in found}


def forget_version(key: str) -> None:
    """This process changed `key`: the rest of its request reads it again."""
    memo = getattr(_request, "versions", None)
    if memo is not None:
        memo.pop(key, None)


def first_version() -> int:
    """Where a version missing from the cache starts: a random number, so that entries which outlived their version
    (evicted, or deleted alone) are not taken for current ones when it starts again."""
    return secrets.randbits(62)


def bump(*keys: str) -> None:
    """Move each version now, all in one round trip, and this process's request reads them again."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    client = getattr(backend, "client", None)
    if isinstance(client, DefaultClient) and not isinstance(client, (HerdClient, ShardClient)):
        # django_redis keeps an int as its digits, so INCR moves what `get` reads. A missing version is started
        # (SET NX) and moved past its start at once, in the same round trip.
        pipeline = client.get_client(write=True).pipeline(transaction=False)
        for key in keys:
            made = client.make_key(key)
            pipeline.set(made, first_version(), nx=True)
            pipeline.incr(made)
        pipeline.execute()
    else:
        for key in keys:
            try:
                backend.incr(key)
            except ValueError:  # no version yet: start one, then move it past what a reader may have started
                backend.add(key, first_version(), timeout=None)
                backend.incr(key)
    for key in keys:
        forget_version(key)


class _CommitBumps:
    """The versions to bump when one transaction commits: sent once, by whichever of its hooks runs first."""

    __slots__ = ("hooks", "keys", "sent")

    def __init__(self, hooks: list):
        self.hooks = hooks  # the connection's list of on-commit hooks these were registered in
        self.keys: dict[str, None] = {}
        self.sent = False

    def send(self) -> None:
        if not self.sent:
            self.sent = True
            bump(*self.keys)


def bump_on_commit(key: str) -> None:
    """Move the version when the transaction commits (at once outside one), in the one round trip that sends every
    version the transaction bumps.

    Each call registers a hook of its own (a list append), in the savepoint it is made in, so no bump depends on
    another's hook: a savepoint rolled back drops only the hooks registered in it, and a test that runs only the
    hooks registered in its `django_capture_on_commit_callbacks` block runs this one. The first hook of a
    transaction to run sends every key collected in it (extra bumps, of a rolled-back savepoint, only drop entries
    sooner); the others find them sent. The keys are those of one list of hooks: committing, rolling back or
    rolling back to a savepoint gives the connection a new list, and the next bump a new collection.
    """
    connection = transaction.get_connection()
    pending = getattr(connection, "_versioned_cache_bumps", None)
    if pending is None or pending.sent or pending.hooks is not connection.run_on_commit:
        pending = connection._versioned_cache_bumps = _CommitBumps(connection.run_on_commit)
    pending.keys[key] = None
    transaction.on_commit(pending.send)


def local_get(key: str, versions: tuple) -> Any:
    """The value kept here under `key` if it was made under `versions` and its deadline has not passed, a copy of
    its own unless it is a string; else MISSING."""
    with _local_lock:
        entry = _local.get(key)
        if entry is None:
            return MISSING
        made_under, deadline, value, pickled = entry
        if made_under != versions or deadline <= time.time():
            del _local[key]
            return MISSING
        _local.move_to_end(key)
    return pickle.loads(value) if pickled else value  # noqa: S301 (pickled by this process, below)


def local_set(key: str, versions: tuple, value: Any, *, deadline: float) -> None:
    pickled = not isinstance(value, str)
    stored = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if pickled else value
    with _local_lock:
        _local[key] = (versions, deadline, stored, pickled)
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def clear_local() -> None:
    with _local_lock:
        _local.clear()


class Family:
    def __init__(self, name: str, *, shared: bool = False):
        """`shared`: its version is read with the others, once per request (for families most pages use)."""
        self.version_key = f"{name}:version"
        if shared:
            share_version_key(self.version_key)

    def invalidate(self) -> None:
        """Every entry is dropped, now and when the transaction commits.

        On commit alone would do for readers elsewhere (`get_or_compute` reads the version before it computes, so
        what it computed from rows as they were before the commit is marked with the version the commit bumps).
        Now as well, because the family is read while pages render: a page a view renders in the transaction that
        made the change, after it, reads the change rather than the entry kept from before.
        """
        bump(self.version_key)
        bump_on_commit(self.version_key)

    def get(self, key: str) -> tuple[int, Any]:
        """The family's current version and the entry under `key` if it was made under it (else None)."""
        version, value, _kept_here = self._read(key)
        return version, value

    def _read(self, key: str) -> tuple[int, Any, bool]:
        """The family's version, the entry under `key` made under it (else None) and whether it was this process's
        own copy."""
        (epoch, version), read = current_versions([self.version_key], along=[key])
        value = local_get(key, (epoch, version))
        if value is not MISSING:
            return version, value, True
        entry = cache.get(key) if read is None else read.get(key)
        if entry is None or entry[0] != version:
            return version, None, False
        return version, entry[1], False

    def set(self, key: str, version: int, value: Any, *, timeout: int) -> None:
        """Store `value`, computed after `version` was read: a change made meanwhile leaves it stale-marked."""
        cache.set(key, (version, value), timeout=timeout)

    def get_or_compute(self, key: str, compute: Callable[[], Any], *, timeout: int) -> Any:
        version, value, kept_here = self._read(key)
        if kept_here:  # what this process kept is still current: keeping it again would only pickle it again
            return value
        if value is None:
            value = compute()
            self.set(key, version, value, timeout=timeout)
        (epoch, current), _ = current_versions([self.version_key])
        if current == version:
            local_set(key, (epoch, version), value, deadline=time.time() + timeout)
        return value
