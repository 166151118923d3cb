"""The vote rate limit: so many votes a minute per member, or per client IP for guests.

Counted in Django's cache. The IP only limits the rate, it never identifies a
voter: a provincial network is one NAT, so the limit (POLLS_VOTES_PER_MINUTE)
is generous, and a signed-in member is limited by account, not by address (a
council meeting's Wi-Fi is one address for all its members).
"""

import time

from django.conf import settings
from django.http import HttpRequest

from council.shared.cache import count_hit
from council.shared.net import client_ip

WINDOW = 60


def seconds_to_wait(request: HttpRequest) -> int:
    """Count this vote attempt; 0 if it is within the limit, else the seconds until the next window."""
    now = time.time()
    window = int(now // WINDOW)
    user = getattr(request, "user", None)
    client = f"user:{user.pk}" if user is not None and user.is_authenticated else client_ip(request)
    key = f"polls:rate:{client}:{window}"
    # Shared by every process; counted in this process while Redis is unreachable.
    count = count_hit(key, timeout=WINDOW + 5)
    if count <= settings.POLLS_VOTES_PER_MINUTE:
        return 0
    return max(1, int((window + 1) * WINDOW - now))
