"""A family of cache entries that one change drops all at once, without finding them (a version number).

Each entry remembers the family's version it was computed under; reading an entry reads the version in the
same round trip, and an entry of an older version is a miss. Bumping the version is the invalidation: now,
and again when the transaction commits, so a reader between the two cannot store what it read before the
change under the new version for the entry's whole lifetime.

Read once per request, kept in the process. A signed-in page asks for several shared entries (the header's hub
links, the page's programme fragments, the footer): asking the shared cache for each one's version was a round
trip each. So, during a request (between Django's request_started and request_finished signals), the versions
are read once, all in one round trip (`current_versions`), and a change this process makes drops its own copy
at once (`forget_version`). What the versions name can then be kept in this process too (`local_get`,
`local_set`): an entry is used only while the versions it was made under are still the current ones and its
deadline has not passed, so another process's edit is seen by the next request here exactly as before. The
versions are those of one cache: an epoch (a random number stored with them, made anew when the cache was
emptied) is part of every local entry's versions, so a version number that starts again at 1 in an emptied
cache never revives what this process kept under the old one. Outside a request (tasks, commands, shell), the
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

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction

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
            cache.add(key, secrets.randbits(62) if key == EPOCH_KEY else 1, timeout=None)
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

    def _bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:  # no version yet: start one, which no stored entry carries
            cache.add(self.version_key, 1, timeout=None)
        forget_version(self.version_key)

    def invalidate(self) -> None:
        self._bump()
        transaction.on_commit(self._bump)

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
