"""Whether a request asked for JSON rather than a page (the poll's fetch() does; browsers do not).

Django answers that with `request.get_preferred_type()`, which parses every
media type of the Accept header each time: some 50 microseconds for the
header a browser sends, on every poll page and every error. The answer
depends on the header alone and browsers send a handful of distinct ones,
so it is worked out once per header with Django's own rules and remembered.
"""

import functools

from django.http import HttpRequest

OFFERED = ("text/html", "application/json")
# Longer headers are answered afresh, not remembered: the memory stays small whatever clients send.
REMEMBERED_LENGTH = 1000


def wants_json(request: HttpRequest) -> bool:
    """True when the request's Accept header prefers JSON to HTML (Django's rules)."""
    accept = request.headers.get("Accept", "*/*")
    if len(accept) > REMEMBERED_LENGTH:
        return _prefers_json(accept)
    return _remembered(accept)


def _prefers_json(accept: str) -> bool:
    probe = HttpRequest()
    probe.META["HTTP_ACCEPT"] = accept
    return probe.get_preferred_type(list(OFFERED)) == "application/json"


_remembered = functools.lru_cache(maxsize=256)(_prefers_json)
