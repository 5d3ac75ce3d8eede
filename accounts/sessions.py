"""Django's cached_db sessions, with a way for the signed-in user's cache to hand over the session's cached data.

Every signed-in request reads its session from the shared cache, then its user (accounts/user_cache.py): two
round trips, one after the other, because which user's entry to read is in the session. The user cache reads both
in one when this process already knows whose the session is (it saw it before); what it read of the session is
given here (`read_along`) and used as the cache's answer would have been. Nothing else changes: the session is read
from the cache, else the database, exactly as Django's cached_db backend does it (SESSION_ENGINE = this module).
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS


class SessionStore(cached_db.SessionStore):
    def read_along_key(self) -> str | None:
        """The key of this session's data in the default cache, for a caller about to read the default cache: none
        when there is no session key yet, the session is already loaded, or sessions live in another cache."""
        if self.session_key is None or hasattr(self, "_session_cache"):
            return None
        if settings.SESSION_CACHE_ALIAS != DEFAULT_CACHE_ALIAS:
            return None
        return self.cache_key

    def read_along(self, data: dict | None) -> None:
        """What the default cache held under `read_along_key()` just now (None: nothing), read by someone else in
        their round trip: the next load uses it instead of asking the cache again."""
        self._read_along = data

    def load(self):
        data, self._read_along = getattr(self, "_read_along", None), None
        if data is not None:
            return data
        return super().load()
