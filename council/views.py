"""The site's own pages: home, health check, error pages."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "council/home.html"


def hello(request: HttpRequest) -> HttpResponse:
    """The plainest Django view: the ceiling that bench/ compares pages against."""
    return HttpResponse("hello", content_type="text/plain")


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _check_cache() -> str:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the value written was not read back")
    return "ok"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "inline"
    from council.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, cache and broker all answer; 503 naming what failed."""
    checks = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}
    report = {}
    healthy = True
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as error:  # any failure at all means "down"
            logger.warning("healthz: %s is down: %s", name, error)
            report[name] = f"down: {error.__class__.__name__}"
            healthy = False
    report["status"] = "ok" if healthy else "down"
    return JsonResponse(report, status=200 if healthy else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: no context processor may touch the
    # database or the cache, which may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class NewsListView(TemplateView):
    template_name = "council/article_list.html"
