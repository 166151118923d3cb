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

from . import breaker, counter

logger = logging.getLogger(__name__)


class OnlineCounterMiddleware:
    """Mark the visitor online (see council.counter); never touches the database.

    The visitor's id and last-seen time live in a small cookie, so most pages
    cost a cookie read and nothing else. Members are counted by account; a
    guest who logs in moves to the members instead of being counted twice.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._counts(request, response):
            try:
                self._record(request, response)
            except redis.RedisError as error:  # the page matters more than the counter
                logger.debug("online counter: %s", error)  # council.breaker logs the failure once
        return response

    @staticmethod
    def _counts(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            settings.ONLINE_COUNTER_ENABLED
            and request.method in {"GET", "HEAD"}
            and response.status_code < 400
            and not request.path.startswith(counter.SKIPPED_PATHS)
            and not counter.is_bot(request.headers.get("user-agent", ""))
        )

    @staticmethod
    def _record(request: HttpRequest, response: HttpResponse) -> None:
        visitor, last_seen = _read_cookie(request.COOKIES.get(counter.COOKIE, ""))
        now = time.time()
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            member_id = counter.member_id(user.pk)
            moved_from = visitor if visitor and not counter.is_member_id(visitor) else None
            written = counter.record(
                visitor=member_id,
                member=True,
                last_seen=last_seen if visitor == member_id else None,
                now=now,
                moved_from=moved_from,
            )
            visitor = member_id
        else:
            if visitor is None or counter.is_member_id(visitor):
                if visitor:  # just logged out: no longer a member online
                    counter.backend().remove(visitor=visitor, member=True)
                visitor, last_seen = counter.new_guest_id(), None
            written = counter.record(visitor=visitor, member=False, last_seen=last_seen, now=now)
        if written:
            response.set_cookie(
                counter.COOKIE,
                f"{visitor}.{int(now)}",
                max_age=365 * 86400,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )


def _read_cookie(value: str) -> tuple[str | None, float | None]:
    visitor, _dot, seen = value.rpartition(".")
    if not visitor or not seen.isdigit() or len(visitor) > 40:
        return None, None
    return visitor, float(seen)


class DatabaseDownMiddleware:
    """PostgreSQL unreachable: the maintenance page (503, Retry-After) at once, never a 500 or a wait.

    A lost or refused connection anywhere in a view opens the database
    breaker (council.breaker): for DATABASE_BREAKER_SECONDS every page but
    /healthz is the maintenance page without even trying the database; then
    one query tells whether it is back.
    Static files never get here (WhiteNoise answers them before).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .views import service_unavailable

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
        from .views import database_unreachable, service_unavailable

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
