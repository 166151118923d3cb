"""Where the online counter keeps its state: Redis, or Django's cache in the embedded mode.

On Redis (REDIS_URL set) the state is two sorted sets scored by last-seen
time, a HyperLogLog of the day's visitors and visit counters; without Redis
the same interface runs on Django's cache inside one process. What is
counted, and when, is council.counter's business.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .shared.cache import redis_client

# A visitor is online for this long after its last page.
WINDOW = 5 * 60


def day_of(now: float) -> str:
    """The local calendar day of a time stamp, as the store names its daily keys."""
    return timezone.localtime(datetime.datetime.fromtimestamp(now, datetime.UTC)).date().isoformat()


class RedisBackend:
    """The counter on Redis: one pipelined round trip per write."""

    def __init__(self, url: str, prefix: str) -> None:
        # Short time-outs and the circuit breaker: a failing Redis costs the page nothing (council.shared.cache).
        self.client = redis_client(url)
        self.prefix = f"{prefix}:online"

    def key(self, *parts: str) -> str:
        return ":".join([self.prefix, *parts])

    def touch(
        self, *, visitor: str, member: bool, new_visit: bool, now: float, moved_from: str | None = None
    ) -> None:
        day = day_of(now)
        pipe = self.client.pipeline(transaction=False)
        pipe.zadd(self.key("members" if member else "guests"), {visitor: now})
        if moved_from:
            pipe.zrem(self.key("guests"), moved_from)
        pipe.pfadd(self.key("unique", day), visitor)
        pipe.expire(self.key("unique", day), 3 * 86400)
        if new_visit:
            pipe.incr(self.key("visits", day))
            pipe.expire(self.key("visits", day), 3 * 86400)
        pipe.execute()

    def remove(self, *, visitor: str, member: bool) -> None:
        self.client.zrem(self.key("members" if member else "guests"), visitor)

    def new_guests(self, *, address: str, now: float) -> int:
        """Count one more new guest id given to `address` this minute; the count so far."""
        key = self.key("new", address, str(int(now // 60)))
        pipe = self.client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, 120)
        count, _ = pipe.execute()
        return int(count)

    def online(self, *, now: float) -> tuple[int, int]:
        cutoff = now - WINDOW
        pipe = self.client.pipeline(transaction=False)
        pipe.zremrangebyscore(self.key("guests"), "-inf", cutoff)
        pipe.zremrangebyscore(self.key("members"), "-inf", cutoff)
        pipe.zcard(self.key("guests"))
        pipe.zcard(self.key("members"))
        _, _, guests, members = pipe.execute()
        return guests, members

    def day(self, day: str) -> tuple[int, int]:
        pipe = self.client.pipeline(transaction=False)
        pipe.get(self.key("visits", day))
        pipe.pfcount(self.key("unique", day))
        visits, unique = pipe.execute()
        return int(visits or 0), int(unique or 0)

    def shared_get(self, name: str) -> str | None:
        value = self.client.get(self.key(name))
        return value.decode() if value is not None else None

    def shared_set(self, name: str, value: str, seconds: float) -> None:
        self.client.set(self.key(name), value, px=max(int(seconds * 1000), 1))


class CacheBackend:
    """The same counter on Django's cache, for the embedded mode (one process)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = f"online:{prefix}"

    def _get(self, name, default):
        return cache.get(f"{self.prefix}:{name}", default)

    def _set(self, name, value, timeout=3 * 86400):
        cache.set(f"{self.prefix}:{name}", value, timeout)

    def touch(
        self, *, visitor: str, member: bool, new_visit: bool, now: float, moved_from: str | None = None
    ) -> None:
        kind = "members" if member else "guests"
        seen = self._get(kind, {})
        seen[visitor] = now
        self._set(kind, seen)
        if moved_from:
            guests = self._get("guests", {})
            guests.pop(moved_from, None)
            self._set("guests", guests)
        day = day_of(now)
        self._set(f"unique:{day}", self._get(f"unique:{day}", set()) | {visitor})
        if new_visit:
            self._set(f"visits:{day}", self._get(f"visits:{day}", 0) + 1)

    def remove(self, *, visitor: str, member: bool) -> None:
        kind = "members" if member else "guests"
        seen = self._get(kind, {})
        seen.pop(visitor, None)
        self._set(kind, seen)

    def new_guests(self, *, address: str, now: float) -> int:
        key = f"{self.prefix}:new:{address}:{int(now // 60)}"
        # add() then incr(): atomic in the local-memory cache as in Redis.
        cache.add(key, 0, 120)
        try:
            return cache.incr(key)
        except ValueError:  # expired in between
            cache.set(key, 1, 120)
            return 1

    def online(self, *, now: float) -> tuple[int, int]:
        counts = []
        for kind in ("guests", "members"):
            seen = {v: t for v, t in self._get(kind, {}).items() if t > now - WINDOW}
            self._set(kind, seen)
            counts.append(len(seen))
        return counts[0], counts[1]

    def day(self, day: str) -> tuple[int, int]:
        return self._get(f"visits:{day}", 0), len(self._get(f"unique:{day}", set()))

    def shared_get(self, name: str) -> str | None:
        return self._get(name, None)

    def shared_set(self, name: str, value: str, seconds: float) -> None:
        self._set(name, value, seconds)


def backend() -> RedisBackend | CacheBackend:
    """The counter's store for this configuration (made once per process)."""
    global _backend
    key = (settings.REDIS_CACHE_URL, settings.CACHE_KEY_PREFIX)
    if _backend is None or _backend[0] != key:
        store = RedisBackend(*key) if settings.REDIS_CACHE_URL else CacheBackend(settings.CACHE_KEY_PREFIX)
        _backend = (key, store)
    return _backend[1]


_backend = None
