"""Sessions in the Redis cache that survive Redis failing.

Django's cache session store cannot tell a missing session from an
unreachable cache, and when creating one it tries ten thousand keys before
failing with an error. While Redis is unreachable (council.shared.breaker) this
store neither reads nor writes: the visitor is a guest for the moment (their
cookie is kept, and with it the session once Redis is back), and
`council.middleware.SessionLostMiddleware` tells them so.
"""

from django.contrib.sessions.backends import cache as cache_sessions

from .shared.cache import redis_failing


class SessionStore(cache_sessions.SessionStore):
    # True when the visitor's session could not be read because Redis is unreachable.
    lost = False

    def load(self) -> dict:
        key = self._session_key
        data = super().load()
        if key is not None and not data and redis_failing():
            # Kept, so that the cookie is kept: the session is still in Redis
            # and the member is signed in again as soon as Redis is back.
            self._session_key = key
            self.lost = True
        return data

    def create(self) -> None:
        if redis_failing():
            # A key for the cookie, nothing stored: the next request starts afresh.
            self._session_key = self._get_new_session_key()
            self.modified = True
            return
        super().create()

    def save(self, must_create: bool = False) -> None:
        if redis_failing():
            return  # what this request put in its session is lost, like the session itself
        super().save(must_create=must_create)
