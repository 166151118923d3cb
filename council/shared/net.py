"""The real client IP address, behind the configured proxy.

A leaf module: it imports no app, so every app (and django-axes) may use it.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the nearest trusted proxy saw it.

    With `CLIENT_IP_HEADER` unset this is REMOTE_ADDR. Otherwise the header is a
    comma-separated chain to which each of `TRUSTED_PROXY_COUNT` proxies appended
    the address it received from; the entries further left were written by the
    client itself and cannot be trusted.
    """
    header = settings.CLIENT_IP_HEADER
    remote = request.META.get("REMOTE_ADDR", "")
    if not header:
        return remote
    chain = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
    if not chain:
        return remote
    index = max(len(chain) - settings.TRUSTED_PROXY_COUNT, 0)
    return chain[index]
