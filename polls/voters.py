"""Who is voting: a member by account, a guest by a signed random cookie.

Never by IP address: a whole provincial network sits behind one NAT.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "polls_voter"
COOKIE_SALT = "polls.voter"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600  # two years: a guest keeps one identity
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")


def member_key(user) -> str:
    return f"user:{user.pk}"


def guest_key(token: str) -> str:
    return f"guest:{token}"


def guest_token(request: HttpRequest) -> str | None:
    """The guest's token if the cookie is present and its signature holds; else None."""
    token = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    if token is None or not TOKEN_PATTERN.fullmatch(token):
        return None
    return token


@dataclass(frozen=True)
class Voter:
    """The visitor as a voter. A guest without a valid cookie has no key until it votes."""

    key: str | None
    user: object | None = None
    new_token: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest, *, issue: bool = False) -> Voter:
        """The visitor's voter identity; with `issue`, a new guest gets a fresh token."""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return cls(key=member_key(user), user=user)
        token = guest_token(request)
        if token is not None:
            return cls(key=guest_key(token))
        if issue:
            token = secrets.token_urlsafe(24)
            return cls(key=guest_key(token), new_token=token)
        return cls(key=None)

    def remember(self, response: HttpResponse) -> None:
        """Give a new guest its cookie: signed, HttpOnly, SameSite=Lax, long-lived."""
        if self.new_token is None:
            return
        response.set_signed_cookie(
            COOKIE_NAME,
            self.new_token,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
