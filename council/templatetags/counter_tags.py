"""The sidebar's visit statistics."""

import logging
from functools import lru_cache

import redis
from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from council import counter
from council.shared.shells import squeeze

register = template.Library()
logger = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def _render(snapshot: counter.Snapshot | None, language: str) -> SafeString:
    # The same figures are shown for seconds at a time: render them once.
    return mark_safe(squeeze(render_to_string("council/_counter.html", {"snapshot": snapshot})))


@register.simple_tag(takes_context=True)
def online_counter(context) -> SafeString:
    """Guests, members and total online; visits today and in all: the reader among them."""
    if not settings.ONLINE_COUNTER_ENABLED:
        return SafeString("")
    try:
        snapshot = counter.snapshot()
        reader = getattr(context.get("request"), "online_reader", None)
        if reader is not None:
            snapshot = reader.shown_in(snapshot)
        return _render(snapshot, get_language())
    except redis.RedisError as error:
        # Redis unreachable (council.shared.breaker says so once, not per page): the
        # block stays, each figure a neutral dash.
        logger.debug("online counter: %s", error)
        return _render(None, get_language())
