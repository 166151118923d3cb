"""The online counter's tests: each behaviour on Django's cache and on real Redis."""

import pytest

from council import counter, counter_store

NOW = 1_800_000_000.0  # a fixed instant; time is injected, never slept
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/140.0 Safari/537.36"


@pytest.fixture(params=["cache", "redis"])
def store(request, settings):
    """Each behaviour on both backends; the Redis one needs a real server."""
    if request.param == "redis":
        from tests.conftest import redis_available

        if not redis_available():
            pytest.skip("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
        backend = counter_store.RedisBackend(settings.REDIS_CACHE_URL, f"{settings.CACHE_KEY_PREFIX}:test")
        yield backend
        keys = list(backend.client.scan_iter(match=f"{backend.prefix}:*"))
        if keys:
            backend.client.delete(*keys)
    else:
        yield counter_store.CacheBackend("test")


@pytest.fixture
def use(store, monkeypatch, settings):
    settings.ONLINE_COUNTER_READ_SECONDS = 0  # read the live figures in these tests
    monkeypatch.setattr(counter, "backend", lambda: store)
    return store
