"""The Redis cache degrading to misses, on real sockets: a closed port, a port that never answers."""

import socket
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from bench.proxy import FaultProxy
from council.shared import breaker
from council.shared.cache import PooledRedisCache, count_hit

REFUSED = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def frozen():
    """A listening socket nobody answers on (the kernel accepts into its backlog): a hanging Redis."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sock.setblocking(False)
        yield sock


def pending_connections(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            accepted, _address = listener.accept()
        except BlockingIOError:
            return count
        accepted.close()
        count += 1


def redis_cache(location: str) -> PooledRedisCache:
    return PooledRedisCache(location, {"KEY_PREFIX": "test-faults"})


def test_cache_misses_and_drops_writes_when_redis_is_refused():
    down = redis_cache(REFUSED)

    assert down.get("key", "default") == "default"
    assert down.get_many(["a", "b"]) == {}
    assert down.has_key("key") is False
    assert down.add("key", 1) is False
    assert down.set("key", 1) is None
    assert down.set_many({"a": 1}) == []
    assert down.delete_many(["a"]) is None
    with pytest.raises(ValueError):
        down.incr("key")
    assert breaker.redis.failing is True


def test_cache_waits_once_on_a_hanging_redis_then_not_at_all(frozen):
    hanging = redis_cache(f"redis://127.0.0.1:{frozen.getsockname()[1]}/0")

    assert hanging.get("key") is None  # one connection, its read timed out
    assert pending_connections(frozen) == 1
    assert [hanging.get("key"), hanging.get("other"), hanging.add("key", 1)] == [None, None, False]

    assert pending_connections(frozen) == 0  # the breaker is open: not even a connection
    assert breaker.redis.is_open is True


@pytest.mark.redis
def test_cache_deletes_the_keys_of_lost_writes_when_redis_is_back(settings):
    settings.REDIS_BREAKER_SECONDS = 0  # open for no time: the next call is a trial
    server = urlsplit(settings.REDIS_CACHE_URL)
    proxy = FaultProxy(server.port)
    through = PooledRedisCache(
        f"redis://{proxy.url_host}{server.path}", {"KEY_PREFIX": f"{settings.CACHE_KEY_PREFIX}:faults"}
    )
    try:
        through.set("version", "before the outage")
        proxy.refuse()
        through.set("version", "written during the outage")  # lost
        proxy.restore()

        assert through.get("another-key") is None  # the trial succeeds...
        assert breaker.redis.failing is False
        assert through.get("version") is None  # ...and the stale value is gone, not served
    finally:
        proxy.close()


def test_count_hit_counts_in_the_process_while_redis_fails():
    breaker.redis.trip("Redis stopped")

    assert [count_hit("polls:rate:test", timeout=60) for _ in range(3)] == [1, 2, 3]
    assert count_hit("polls:rate:other", timeout=60) == 1


def test_count_hit_counts_in_the_cache_normally():
    assert [count_hit("polls:rate:shared", timeout=60) for _ in range(3)] == [1, 2, 3]
    assert cache.get("polls:rate:shared") == 3


@pytest.mark.redis
def test_count_on_redis_is_one_round_trip_and_the_counter_expires(settings):
    if not settings.REDIS_CACHE_URL:
        pytest.skip("needs REDIS_URL")
    through = redis_cache(settings.REDIS_CACHE_URL)
    through.delete("hits")
    client = through._cache.get_client(write=True)
    key = through.make_and_validate_key("hits")

    counts = [through.count("hits", 30) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert 0 < client.ttl(key) <= 30  # made with its time; later counts never remove it
    assert through.get("hits") == 3
    through.delete("hits")
    assert through.count("hits", 30) == 1


def test_count_on_an_unreachable_redis_is_a_value_error():
    with pytest.raises(ValueError):
        redis_cache(REFUSED).count("hits", 30)
