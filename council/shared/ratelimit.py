"""A fixed-window rate limit counted in Django's cache (Redis in production, local memory embedded).

A leaf module: it imports no app. The key names what is limited and for whom
(e.g. a client address); the address only limits a rate, it never identifies
anyone (a provincial network is one NAT).
"""

import time

from django.core.cache import cache


def seconds_to_wait(key: str, *, limit: int, window: int) -> int:
    """Count one attempt under `key`; 0 if it is within `limit` per `window` seconds, else the wait."""
    now = time.time()
    current = int(now // window)
    name = f"rate:{key}:{current}"
    # add() starts the window's counter atomically; incr() is atomic in Redis and
    # in the local-memory cache alike, so concurrent workers count exactly.
    if cache.add(name, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(name)
        except ValueError:  # the key expired between add() and incr()
            cache.set(name, 1, timeout=window + 5)
            count = 1
    if count <= limit:
        return 0
    return max(1, int((current + 1) * window - now))
