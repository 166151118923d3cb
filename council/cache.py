"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient` builds a new `redis.Redis` object for every
operation. Building one costs more than a loopback round trip (it fills a
table of some two hundred reply callbacks), and the home page makes several
cache reads. A `redis.Redis` holds nothing but its pool and is safe to share
between threads, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, reusing its clients."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
