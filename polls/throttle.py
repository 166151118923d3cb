"""The vote rate limit: so many votes a minute per member, or per client IP for guests.

Counted in Django's cache. The IP only limits the rate, it never identifies a
voter: a provincial network is one NAT, so the limit (POLLS_VOTES_PER_MINUTE)
is generous, and a signed-in member is limited by account, not by address (a
council meeting's Wi-Fi is one address for all its members).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from council.net import client_ip

WINDOW = 60


def seconds_to_wait(request: HttpRequest) -> int:
    """Count this vote attempt; 0 if it is within the limit, else the seconds until the next window."""
    now = time.time()
    window = int(now // WINDOW)
    user = getattr(request, "user", None)
    client = f"user:{user.pk}" if user is not None and user.is_authenticated else client_ip(request)
    key = f"polls:rate:{client}:{window}"
    # add() starts the window's counter atomically; incr() is atomic in Redis
    # and in the local-memory cache alike, so concurrent workers count exactly.
    if cache.add(key, 1, timeout=WINDOW + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add() and incr()
            cache.set(key, 1, timeout=WINDOW + 5)
            count = 1
    if count <= settings.POLLS_VOTES_PER_MINUTE:
        return 0
    return max(1, int((window + 1) * WINDOW - now))
