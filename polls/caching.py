"""What the poll block keeps in Django's cache (Redis in production).

Only what is the same for every visitor is cached: the featured poll with its
choices, and the rendered results fragment (through `{% cache %}` in the
template, keyed by the poll, the results version below and the language).
Nothing here carries a CSRF token or anything about the visitor.

The results version is a random token that changes, after commit, whenever a
vote is cast or the poll or its choices are edited. A reader that took the
old version may still store a fragment under it, but nobody will read that
key again: no window in which a stale count can be cached as current.
"""

import secrets

from django.core.cache import cache

from .models import Poll

FEATURED_KEY = "polls:featured"
FEATURED_TIMEOUT = 600
RESULTS_VERSION_KEY = "polls:results-version:{poll_id}"
# How long an orphaned fragment lingers; live ones are replaced on every vote.
RESULTS_FRAGMENT_TIMEOUT = 600


def featured_poll() -> Poll | None:
    """The poll shown in the sidebar (whatever its dates), with its choices."""
    cached = cache.get(FEATURED_KEY)
    if cached is not None:
        return cached[0]
    poll = Poll.objects.filter(featured=True).prefetch_related("choices").first()
    # A one-item list, so that "no featured poll" is cached too.
    cache.set(FEATURED_KEY, [poll], FEATURED_TIMEOUT)
    return poll


def forget_featured_poll() -> None:
    cache.delete(FEATURED_KEY)


def results_version(poll_id: int) -> str:
    """The current version of a poll's results, for the fragment's cache key."""
    key = RESULTS_VERSION_KEY.format(poll_id=poll_id)
    version = cache.get(key)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(key, version, timeout=None):
            version = cache.get(key) or version  # another process set it first
    return version


def forget_results(poll_id: int) -> None:
    """Make every cached rendering of this poll's results stale (call on commit)."""
    cache.set(RESULTS_VERSION_KEY.format(poll_id=poll_id), secrets.token_hex(8), timeout=None)
