"""Redis for the cache, the sessions and the online counter: pooled, bounded in time, and guarded.

Django's `RedisCacheClient` builds a new `redis.Redis` object for every
operation. Building one costs more than a loopback round trip (it fills a
table of some two hundred reply callbacks), and the home page makes several
cache reads. A `redis.Redis` holds nothing but its pool and is safe to share
between threads, so one per pool is enough.

Every connection made here has short connect and read time-outs
(`REDIS_SOCKET_TIMEOUT`) and reports to the Redis circuit breaker
(council.breaker): a failure opens it, and while it is open no connection is
even attempted. Above the connections, the cache degrades to a cache that
holds nothing: reads miss, writes are dropped, `add` says the key exists.
A write lost that way (a content version or a poll's results version
replaced after a save) would leave stale values behind, so the keys of lost
writes are deleted as soon as Redis answers again.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from . import breaker

logger = logging.getLogger(__name__)

# What a dead or hanging Redis raises; anything else (a wrong type, say) is a bug to see.
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)


class _Guarded:
    """Mixin for redis-py connections: fail fast while the breaker is open, and feed it."""

    def connect(self, *args, **kwargs):
        if not breaker.redis.allows():
            raise redis.ConnectionError("Redis is not asked for now (circuit breaker open)")
        try:
            return super().connect(*args, **kwargs)
        except UNREACHABLE as error:
            breaker.redis.trip(error)
            raise

    def send_packed_command(self, *args, **kwargs):
        try:
            return super().send_packed_command(*args, **kwargs)
        except UNREACHABLE as error:
            breaker.redis.trip(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except UNREACHABLE as error:
            breaker.redis.trip(error)
            raise
        breaker.redis.succeed()
        return response


class GuardedConnection(_Guarded, redis.Connection):
    pass


class GuardedSSLConnection(_Guarded, redis.SSLConnection):
    pass


def connection_options(url: str) -> dict:
    """redis-py pool options for `url`: the guarded connection class and the time-outs from settings."""
    return {
        "connection_class": GuardedSSLConnection if url.startswith("rediss://") else GuardedConnection,
        "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": settings.REDIS_SOCKET_TIMEOUT,
    }


def redis_client(url: str) -> redis.Redis:
    """A plain Redis client (the online counter's) with the same time-outs and breaker as the cache."""
    return redis.Redis.from_url(url, **connection_options(url))


class PooledRedisCacheClient(RedisCacheClient):
    """One `redis.Redis` per pool; each operation degrades to a miss when Redis is unreachable."""

    def __init__(self, servers, **options) -> None:
        options = {**connection_options(servers[0]), **options}
        super().__init__(servers, **options)
        self._clients = {}
        # Keys whose write was lost while Redis was unreachable: deleted when it answers again.
        self._lost: set = set()
        self._lost_lock = threading.Lock()
        breaker.redis.on_recovery(self._forget_lost_writes)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _call(self, operation, keys, fallback, *args):
        if breaker.redis.allows():
            try:
                return getattr(super(), operation)(*args)
            except UNREACHABLE:
                pass  # the connection tripped the breaker already
        if keys:
            self._lose(keys)
        return fallback

    def _lose(self, keys) -> None:
        with self._lost_lock:
            if len(self._lost) > 10_000:  # bounded: past this, every lost write stays lost
                return
            self._lost.update(keys)

    def _forget_lost_writes(self) -> None:
        with self._lost_lock:
            lost, self._lost = self._lost, set()
        if lost:
            logger.warning("Redis is back: deleting %s keys whose writes were lost", len(lost))
            super().delete_many(list(lost))

    # Reads miss.
    def get(self, key, default):
        return self._call("get", (), default, key, default)

    def get_many(self, keys):
        return self._call("get_many", (), {}, keys)

    def has_key(self, key):
        return self._call("has_key", (), False, key)

    # Writes are dropped, and their keys deleted once Redis is back.
    def add(self, key, value, timeout):
        # "Already there": nobody believes they were first (a lock, a new version) when nothing was stored.
        return self._call("add", (key,), False, key, value, timeout)

    def set(self, key, value, timeout):
        return self._call("set", (key,), None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", (), False, key, timeout)

    def delete(self, key):
        return self._call("delete", (key,), False, key)

    def set_many(self, data, timeout):
        return self._call("set_many", tuple(data), None, data, timeout)

    def delete_many(self, keys):
        return self._call("delete_many", tuple(keys), None, keys)

    def incr(self, key, delta):
        if breaker.redis.allows():
            try:
                return super().incr(key, delta)
            except UNREACHABLE:
                pass
        self._lose((key,))
        raise ValueError(f"Key {key!r} not reachable (Redis is unavailable)")

    def clear(self):
        return self._call("clear", (), False)

    def count(self, key, timeout):
        """Add one to the counter `key`, made for `timeout` seconds if missing: one round trip.

        (Django's add() then incr() takes three: SET NX, EXISTS, INCRBY.) MULTI
        makes the two commands one step, so the key never outlives its time.
        Raises ValueError when Redis is unreachable, as incr() does.
        """
        if breaker.redis.allows():
            try:
                with self.get_client(key, write=True).pipeline(transaction=True) as pipe:
                    pipe.set(key, 0, ex=timeout, nx=True)
                    pipe.incr(key)
                    return pipe.execute()[1]
            except UNREACHABLE:
                pass
        self._lose((key,))
        raise ValueError(f"Key {key!r} not reachable (Redis is unavailable)")


class PooledRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, reusing its clients, degrading when Redis fails."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = PooledRedisCacheClient

    def count(self, key, timeout, version=None) -> int:
        """See PooledRedisCacheClient.count."""
        return self._cache.count(self.make_and_validate_key(key, version=version), timeout)


def redis_failing() -> bool:
    """Whether the last call to Redis in this process failed (so shared state cannot be trusted now)."""
    return breaker.redis.failing


def _count_in_cache(key: str, timeout: int) -> int:
    """count_hit() in the shared cache: one round trip to Redis, else add() then incr()."""
    if isinstance(backend := caches["default"], PooledRedisCache):
        return backend.count(key, timeout)
    # add() starts the counter atomically; incr() is atomic in the local-memory cache too.
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # it expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1


# --- Counting without Redis ----------------------------------------------------------------

_local_counts: dict[str, tuple[float, int]] = {}
_local_lock = threading.Lock()


def count_hit(key: str, *, timeout: int) -> int:
    """Add one to the counter `key` (created for `timeout` seconds) and return it.

    In the cache, shared by every process; while Redis is unreachable, in this
    process's memory instead, so a rate limit keeps limiting (per process) rather
    than letting everything through or failing.
    """
    if not redis_failing():
        try:
            count = _count_in_cache(key, timeout)
        except ValueError:  # Redis just failed
            count = None
        if count is not None and not redis_failing():
            return count
    now = time.monotonic()
    with _local_lock:
        if len(_local_counts) > 10_000:
            for name, (until, _count) in list(_local_counts.items()):
                if until <= now:
                    del _local_counts[name]
        until, count = _local_counts.get(key, (now + timeout, 0))
        if until <= now:
            until, count = now + timeout, 0
        _local_counts[key] = (until, count + 1)
        return count + 1
