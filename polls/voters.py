"""Who is voting: a member by account, a guest by the browser.

Never by IP address: a whole provincial network sits behind one NAT.

A guest's voter identity exists before their first vote is sent: it is
derived from the browser's CSRF cookie, which every page with a voting form
sets and every vote must carry (a POST without it fails the CSRF check). So
all the votes one browser sends at once, a double click or many tabs, are
one voter, whatever order their answers come back in. The answer to a vote
also keeps the token in a signed cookie of its own, because the CSRF cookie
changes when the visitor signs in: the signed cookie, when present, wins.

A member who signs in from a browser becomes one voter with it (VoterLink,
see services.link_guest_voter): a member whose browser has voted as a guest
has voted, and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

COOKIE_NAME = "polls_voter"
COOKIE_SALT = "polls.voter"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600  # two years: a guest keeps one identity
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
# What Django writes in its CSRF cookie: a 32-character secret of letters and digits.
CSRF_SECRET_PATTERN = re.compile(r"[A-Za-z0-9]{32}")


def member_key(user) -> str:
    return member_key_for(user.pk)


def member_key_for(user_id: int) -> str:
    return f"user:{user_id}"


def guest_key(token: str) -> str:
    return f"guest:{token}"


def guest_token(request: HttpRequest) -> str | None:
    """The guest's token if the cookie is present and its signature holds; else None."""
    token = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    if token is None or not TOKEN_PATTERN.fullmatch(token):
        return None
    return token


def token_for_csrf_secret(secret: str | None) -> str | None:
    """The guest token bound to a browser's CSRF secret (a keyed hash: the secret never leaves)."""
    if not secret or not CSRF_SECRET_PATTERN.fullmatch(secret):
        return None
    return salted_hmac(f"{COOKIE_SALT}.csrf", secret, algorithm="sha256").hexdigest()[:32]


def browser_token(request: HttpRequest) -> str | None:
    """The token of the browser's CSRF cookie as it was sent with this request."""
    return token_for_csrf_secret(request.COOKIES.get(settings.CSRF_COOKIE_NAME))


@dataclass(frozen=True)
class Voter:
    """The visitor as a voter. A guest with neither cookie has no key (and cannot vote)."""

    key: str | None
    user: object | None = None
    new_token: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest, *, voting: bool = False) -> Voter:
        """The visitor's voter identity.

        Showing a poll, a guest is known by the signed cookie only (a guest
        without it has never voted from this browser: no query needed).
        `voting`: a guest without it is known by their CSRF cookie, and the
        answer keeps that token in the signed cookie (see remember()).
        """
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return cls(key=member_key(user), user=user)
        token = guest_token(request)
        if token is not None:
            return cls(key=guest_key(token))
        if voting and (token := browser_token(request)) is not None:
            return cls(key=guest_key(token), new_token=token)
        return cls(key=None)

    def remember(self, response: HttpResponse) -> None:
        """Keep a guest's token in its signed cookie: HttpOnly, SameSite=Lax, long-lived."""
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


def keys_of_browser(request: HttpRequest) -> set[str]:
    """Every guest key this browser has voted or will vote under, for linking at sign-in.

    Called while signing in, after Django has given the browser a new CSRF
    secret (request.META) but before the answer carries it: the signed cookie
    if the browser has one (it outlives the sign-in), else the key of the CSRF
    cookie it came with and the key of the new one it will have once signed out.
    """
    if (token := guest_token(request)) is not None:
        return {guest_key(token)}
    tokens = {browser_token(request), token_for_csrf_secret(request.META.get("CSRF_COOKIE"))}
    return {guest_key(token) for token in tokens if token is not None}
