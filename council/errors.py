"""Error pages, in the form the request asked for (HTML, or JSON for the poll's fetch()),
and the maintenance page (503) while the database is unreachable."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from .shared import breaker
from .shared.negotiation import wants_json


def _json_error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "status": status, "message": message}, status=status)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return _json_error(404, _("Không tìm thấy."))
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return _json_error(403, _("Bạn không có quyền làm việc này."))
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, cookies off): say what to do."""
    message = _("Phiên làm việc của trang đã hết hạn. Vui lòng tải lại trang rồi gửi lại.")
    if wants_json(request):
        return _json_error(403, message)
    return render(request, "403_csrf.html", {"message": message}, status=403)


def reports_reach_someone() -> bool:
    """Whether a server error reaches a person: mail to DJANGO_ADMINS, or Sentry."""
    return bool(settings.ADMINS or settings.SENTRY_DSN)


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error` means the database cannot be reached (not a deadlock, a timeout or a bug).

    The driver marks its connection closed when the server went away or
    never answered; an error the server reported leaves it open.
    """
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    raw = connection.connection
    return raw is None or bool(getattr(raw, "closed", False))


def server_error(request: HttpRequest) -> HttpResponse:
    failure = sys.exception()
    if database_unreachable(failure):  # raised outside a view (a middleware)
        breaker.database.trip(failure)
        return service_unavailable(request)
    told = reports_reach_someone()
    if wants_json(request):
        message = (
            _("Máy chủ gặp sự cố; Tổ giúp việc đã được báo. Mời bạn thử lại sau ít phút.")
            if told
            else _("Máy chủ gặp sự cố. Mời bạn thử lại sau ít phút.")
        )
        return _json_error(500, message)
    # Rendered without the request: no context processor may touch the
    # database or the cache, which may be what failed.
    return HttpResponse(loader.get_template("500.html").render({"told": told}), status=500)


# Seconds a client is asked to wait before trying again during maintenance.
RETRY_AFTER = 30


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The maintenance page (503): the database is unreachable. Touches neither it nor the cache."""
    if wants_json(request):
        response = _json_error(503, _("Hệ thống đang bảo trì, mời bạn thử lại sau ít phút."))
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    # The breaker logged the failure once: not an error report (a mail) per page asked for meanwhile.
    response._has_been_logged = True
    return response
