"""Redis for the cache, the sessions and the Celery broker, or Django's local memory without it."""

from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

POOLED_REDIS = "council.shared.cache.PooledRedisCache"
LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


def redis_db(url: str, offset: int) -> str:
    """The same Redis server as `url`, on its database number plus `offset`.

    REDIS_URL names the first of three consecutive databases: cache, sessions,
    broker (redis://host:6379/0 uses 0, 1 and 2), so that several copies of the
    site can share one server.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ImproperlyConfigured(f"REDIS_URL must start with redis:// or rediss://, not {url!r}")
    base = parts.path.strip("/") or "0"
    if not base.isdigit():
        raise ImproperlyConfigured(f"REDIS_URL must end with a database number, not {parts.path!r}")
    return urlunsplit(parts._replace(path=f"/{int(base) + offset}"))


def caches(redis_url: str, *, key_prefix: str) -> dict:
    """CACHES: default, sessions (with Redis), thumbnails and fragments."""
    if redis_url:
        found = {
            "default": {
                "BACKEND": POOLED_REDIS,
                "LOCATION": redis_db(redis_url, 0),
                "KEY_PREFIX": key_prefix,
            },
            "sessions": {
                "BACKEND": POOLED_REDIS,
                "LOCATION": redis_db(redis_url, 1),
                "KEY_PREFIX": key_prefix,
            },
            "thumbnails": {
                "BACKEND": POOLED_REDIS,
                # Beside the sessions (database N+1): flushing the page cache leaves it.
                "LOCATION": redis_db(redis_url, 1),
                "KEY_PREFIX": f"{key_prefix}:thumbnails",
                "TIMEOUT": None,
            },
        }
    else:
        found = {
            "default": {"BACKEND": LOCAL_MEMORY, "KEY_PREFIX": key_prefix},
            "thumbnails": {"BACKEND": LOCAL_MEMORY, "LOCATION": "thumbnails", "TIMEOUT": None},
        }
    # Rendered template fragments that are the same for every visitor and change
    # only with a deploy (the footer): kept in each process, never shared state.
    found["fragments"] = {"BACKEND": LOCAL_MEMORY, "LOCATION": "fragments", "TIMEOUT": 3600}
    return found
