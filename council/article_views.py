"""Article view counts: one per visitor per article per day, kept in the cache and
written to the database in batches (never an UPDATE per page view)."""

import hashlib

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from . import counter
from .models import Article
from .shared.cache import redis_failing
from .shared.held import Memo
from .shared.net import client_ip

DAY = 24 * 3600
# Views this process saw counted (or refused as already counted) today: a reader's
# next page here costs no round trip. Keyed by day, so tomorrow counts afresh.
_seen = Memo(seconds=DAY, max_entries=10_000)


def _pending_key(article_id: int) -> str:
    return f"views:pending:{article_id}"


def visitor_key(request: HttpRequest) -> str:
    """Who is reading: the counter's visitor cookie, the account, or else IP and browser."""
    if request.user.is_authenticated:
        return counter.member_id(request.user.pk)
    if cookie := request.COOKIES.get(counter.COOKIE):
        return cookie.rpartition(".")[0]
    raw = f"{client_ip(request)}|{request.headers.get('user-agent', '')}"
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def count_view(*, article_id: int, visitor: str) -> bool:
    """Count one view of the article by `visitor` today; False if already counted."""
    day = timezone.localdate().isoformat()
    seen = f"views:seen:{day}:{article_id}:{visitor}"
    if _seen.current(seen) is not None:
        return False
    if not cache.add(seen, 1, DAY):
        if not redis_failing():  # a refusal that says "already counted", not "Redis is away"
            _seen.keep(True, seen)
        return False
    _seen.keep(True, seen)
    key = _pending_key(article_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:  # Redis failed just now (council.shared.cache): this view goes uncounted
        return False
    return True


def pending(article_id: int) -> int:
    return cache.get(_pending_key(article_id), 0)


def flush_views() -> int:
    """Add the pending counts to Article.view_count; returns how many views were written.

    Each article's pending count is decreased by exactly what was written, so
    views counted during the flush stay for the next one, and a second flush
    right after the first writes nothing.
    """
    ids = list(Article.objects.values_list("pk", flat=True))
    counts = cache.get_many([_pending_key(pk) for pk in ids])
    written = 0
    for key, views in counts.items():
        if not views:
            continue
        article_id = int(key.rsplit(":", 1)[1])
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + views)
        cache.decr(key, views)
        written += views
    return written
