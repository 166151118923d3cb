"""Machine endpoints: /healthz for the load balancer and monitoring, /bench/hello for bench/."""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from .shared import breaker
from .shared.cache import redis_client

logger = logging.getLogger(__name__)


def hello(request: HttpRequest) -> HttpResponse:
    """The plainest Django view: the ceiling that bench/ compares pages against."""
    return HttpResponse("hello", content_type="text/plain")


def _check_database() -> str:
    if breaker.database.is_open:
        raise ConnectionError("not asked for now (circuit breaker open)")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()  # this check's own thread: leave no connection behind
    return "ok"


def _check_cache() -> str:
    if not settings.REDIS_URL:
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the value written was not read back")
        return "ok"
    # Straight to Redis: the cache itself would answer a miss rather than fail.
    client = redis_client(settings.REDIS_CACHE_URL)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "inline"
    if not breaker.redis.allows():
        raise ConnectionError("not asked for now (circuit breaker open)")
    from council.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=HEALTHZ_SECONDS)
    return "ok"


# The whole answer comes within this many seconds; a check still running then is "slow".
HEALTHZ_SECONDS = 1.5
HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


def _run(check: Callable[[], str], into: dict[str, str], name: str) -> None:
    try:
        into[name] = check()
    except Exception as error:  # any failure at all means "down"
        into[name] = f"down: {error.__class__.__name__}"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and broker all answer; 503 naming what is down or slow.

    The checks run side by side, each in a thread of its own, and the answer
    never waits more than HEALTHZ_SECONDS for them: a hanging service is
    reported "slow" and its thread left to its own time-out.
    """
    found: dict[str, str] = {}
    threads = [
        threading.Thread(target=_run, args=(check, found, name), daemon=True, name=f"healthz-{name}")
        for name, check in HEALTH_CHECKS.items()
    ]
    deadline = time.monotonic() + HEALTHZ_SECONDS
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    report = {name: found.get(name, "slow") for name in HEALTH_CHECKS}
    healthy = all(value in {"ok", "inline"} for value in report.values())
    for name, value in report.items():
        if value not in {"ok", "inline"}:
            logger.warning("healthz: %s is %s", name, value)
    report["status"] = "ok" if healthy else "down"
    response = JsonResponse(report, status=200 if healthy else 503)
    # Logged above as a warning: not an error report (a mail to DJANGO_ADMINS) per health check.
    response._has_been_logged = True
    return response
