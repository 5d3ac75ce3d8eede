"""A family of cache entries that one change drops all at once, without finding them (a version number).

Each entry remembers the family's version it was computed under; reading an entry reads the version in the
same round trip, and an entry of an older version is a miss. Bumping the version is the invalidation: now,
and again when the transaction commits, so a reader between the two cannot store what it read before the
change under the new version for the entry's whole lifetime.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction


class Family:
    def __init__(self, name: str):
        self.version_key = f"{name}:version"

    def _bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:  # no version yet: start one, which no stored entry carries
            cache.add(self.version_key, 1, timeout=None)

    def invalidate(self) -> None:
        self._bump()
        transaction.on_commit(self._bump)

    def get(self, key: str) -> tuple[int, Any]:
        """The family's current version and the entry under `key` if it was made under it (else None)."""
        found = cache.get_many([self.version_key, key])
        version = found.get(self.version_key)
        if version is None:
            cache.add(self.version_key, 1, timeout=None)
            version = cache.get(self.version_key, 1)
        entry = found.get(key)
        return version, entry[1] if entry is not None and entry[0] == version else None

    def set(self, key: str, version: int, value: Any, *, timeout: int) -> None:
        """Store `value`, computed after `version` was read: a change made meanwhile leaves it stale-marked."""
        cache.set(key, (version, value), timeout=timeout)

    def get_or_compute(self, key: str, compute: Callable[[], Any], *, timeout: int) -> Any:
        version, value = self.get(key)
        if value is None:
            value = compute()
            self.set(key, version, value, timeout=timeout)
        return value
