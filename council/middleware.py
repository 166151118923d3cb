"""Request middleware of the site app."""

import logging
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from . import counter
from .shared import breaker
from .shared.net import client_ip

logger = logging.getLogger(__name__)


class OnlineCounterMiddleware:
    """Mark the visitor online (see council.counter); never touches the database.

    The visitor's id and last-seen time live in a small cookie, so most pages
    cost a cookie read and nothing else. Members are counted by account; a
    guest who logs in moves to the members instead of being counted twice.
    The visitor is read before the page (`request.online_reader`, so that the
    sidebar counts them in) and written after it, if the page was answered.
    The bot list is consulted only when a visitor is due to be written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        if settings.ONLINE_COUNTER_ENABLED:
            counter.load_bot_patterns()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reader = None
        if self._counts(request):
            user = getattr(request, "user", None)
            reader = counter.Reader.from_cookie(
                request.COOKIES.get(counter.COOKIE, ""),
                member=counter.member_id(user.pk) if user is not None and user.is_authenticated else None,
                user_agent=request.headers.get("user-agent", ""),
            )
            request.online_reader = reader
        response = self.get_response(request)
        if reader is not None and response.status_code < 400:
            try:
                self._record(request, response, reader)
            except redis.RedisError as error:  # the page matters more than the counter
                logger.debug("online counter: %s", error)  # council.shared.breaker logs the failure once
        return response

    @staticmethod
    def _counts(request: HttpRequest) -> bool:
        return (
            settings.ONLINE_COUNTER_ENABLED
            and request.method in {"GET", "HEAD"}
            and not request.path.startswith(counter.SKIPPED_PATHS)
        )

    @staticmethod
    def _record(request: HttpRequest, response: HttpResponse, reader: counter.Reader) -> None:
        visitor, last_seen, now = reader.visitor, reader.last_seen, time.time()
        if reader.member is not None:
            moved_from = visitor if visitor and not counter.is_member_id(visitor) else None
            written = counter.record(
                visitor=reader.member,
                member=True,
                last_seen=last_seen if visitor == reader.member else None,
                now=now,
                moved_from=moved_from,
            )
            visitor = reader.member
        else:
            new = visitor is None or counter.is_member_id(visitor)
            due = new or last_seen is None or now - last_seen >= counter.WRITE_EVERY
            if not due or counter.is_bot(reader.user_agent):
                return
            if new:
                if visitor:  # just logged out: no longer a member online
                    counter.backend().remove(visitor=visitor, member=True)
                visitor, last_seen = counter.new_guest_id(), None
                if not counter.admit_new_guest(address=client_ip(request), now=now):
                    # Counted from its next page, if it brings the cookie back.
                    _set_cookie(response, counter.cookie_value(visitor, 0))
                    return
            written = counter.record(visitor=visitor, member=False, last_seen=last_seen, now=now)
        if written:
            _set_cookie(response, counter.cookie_value(visitor, now))


def _set_cookie(response: HttpResponse, value: str) -> None:
    response.set_cookie(
        counter.COOKIE,
        value,
        max_age=365 * 86400,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class DatabaseDownMiddleware:
    """PostgreSQL unreachable: the maintenance page (503, Retry-After) at once, never a 500 or a wait.

    A lost or refused connection anywhere in a view opens the database
    breaker (council.shared.breaker): for DATABASE_BREAKER_SECONDS every page but
    /healthz is the maintenance page without even trying the database; then
    one query tells whether it is back.
    Static files never get here (WhiteNoise answers them before).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .errors import service_unavailable

        if breaker.database.failing and request.path != "/healthz" and not self._database_back():
            return service_unavailable(request)
        return self.get_response(request)

    @staticmethod
    def _database_back() -> bool:
        """After a failure, once the breaker's time is over: ask it (bounded, council.dbwait) to see."""
        if breaker.database.is_open:
            return False
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except (OperationalError, InterfaceError) as error:
            breaker.database.trip(error)
            return False
        breaker.database.succeed()
        return True

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from .errors import database_unreachable, service_unavailable

        if database_unreachable(exception):
            breaker.database.trip(exception)
            return service_unavailable(request)
        return None  # a deadlock, a statement time-out, a bug: an error like any other


class SessionLostMiddleware:
    """While Redis is unreachable, a visitor who had a session is told to sign in again.

    Their session cannot be read (council.sessions), so they are a guest for
    now: better said plainly than left to wonder where their account went.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._lost_session(request):
            messages.warning(
                request,
                _(
                    "Hệ thống tạm thời không đọc được phiên đăng nhập của bạn. "
                    "Vui lòng đăng nhập lại sau ít phút."
                ),
                fail_silently=True,
            )
        return self.get_response(request)

    @staticmethod
    def _lost_session(request: HttpRequest) -> bool:
        if (
            settings.SESSION_COOKIE_NAME not in request.COOKIES
            or settings.SESSION_ENGINE != "council.sessions"
            or request.method not in {"GET", "HEAD"}
        ):
            return False
        # Read it now (the page would anyway, for the account links).
        request.session.get(SESSION_KEY)
        return request.session.lost
