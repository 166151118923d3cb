"""What the site writes to its logs: one line per event, nothing secret.

- `OneLineFormatter`: every record on one line (a traceback's line breaks become
  a literal "\\n"), so that journald, grep and log shippers see one event per line.
- `HideURLSecrets`: a filter doing the same for Django's own request warnings.
- `RequestLogMiddleware`: one line per request on the logger "council.requests":
  method, path (never the query string; a token or uidb64 in the path is
  hidden), status, duration, the user's id and the client address.
- `log_task_outcomes()`: one line per Celery task outcome on "council.tasks"
  (success with its duration, retry with the reason, failure with the error);
  never the task's arguments.

A leaf module: it imports no app.
"""

import logging
import time

from celery import signals
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from .shared.net import client_ip

request_logger = logging.getLogger("council.requests")
task_logger = logging.getLogger("council.tasks")

# URL parameters whose values are secrets (password-set links, RSVP links).
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})
HIDDEN = "[hidden]"
# Paths polled by machines: logged at DEBUG so they do not drown the rest.
QUIET_PATHS = frozenset({"/healthz"})


class OneLineFormatter(logging.Formatter):
    """The usual format, with line breaks (tracebacks, multi-line messages) escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "").replace("\n", "\\n")


def loggable_path(request: HttpRequest) -> str:
    """The request's path with the values of secret URL parameters replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match:
        for name, value in match.kwargs.items():
            if name in SECRET_URL_KWARGS and value:
                path = path.replace(str(value), HIDDEN)
    return path


def user_id(request: HttpRequest) -> str:
    """The logged-in user's id if this request already knew it, else "-".

    Never loads the session or the user only for the log: a page that never
    asked who the visitor is costs no query more.
    """
    user = request.__dict__.get("user")
    if user is not None:
        wrapped = getattr(user, "_wrapped", user)  # a lazy object, or a user set directly
        if wrapped is not empty:
            return str(wrapped.pk) if wrapped.is_authenticated else "-"
    from django.contrib.auth import SESSION_KEY

    session = getattr(request, "session", None)
    if session is not None and hasattr(session, "_session_cache"):
        return str(session.get(SESSION_KEY) or "-")
    return "-"


class HideURLSecrets(logging.Filter):
    """On any record about a request (Django's "Not Found: <path>"...), hide the path's secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if path and isinstance(record.args, tuple):
            safe = loggable_path(request)
            if safe != path:
                record.args = tuple(safe if arg == path else arg for arg in record.args)
        return True


class RequestLogMiddleware:
    """Log one line per request: method, path, status, duration, user id, client IP.

    Put it first in MIDDLEWARE, so that the duration covers every other
    middleware and the status is the one sent.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000)
        level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
        request_logger.log(
            level,
            "method=%s path=%s status=%s duration_ms=%s user=%s ip=%s",
            request.method,
            loggable_path(request),
            response.status_code,
            duration_ms,
            user_id(request),
            client_ip(request) or "-",
        )
        return response


_task_started: dict[str, float] = {}


def _duration_ms(task_id: str | None) -> str:
    started = _task_started.pop(task_id, None) if task_id else None
    return "-" if started is None else str(round((time.perf_counter() - started) * 1000))


def _on_prerun(sender=None, task_id=None, **kwargs) -> None:
    _task_started[task_id] = time.perf_counter()


def _on_success(sender=None, **kwargs) -> None:
    task_id = sender.request.id if sender is not None else None
    task_logger.info(
        "task=%s id=%s outcome=success duration_ms=%s",
        getattr(sender, "name", "?"),
        task_id,
        _duration_ms(task_id),
    )


def _on_retry(sender=None, request=None, reason=None, **kwargs) -> None:
    task_id = getattr(request, "id", None)
    task_logger.warning(
        "task=%s id=%s outcome=retry duration_ms=%s reason=%s",
        getattr(sender, "name", "?"),
        task_id,
        _duration_ms(task_id),
        reason,
    )


def _on_failure(sender=None, task_id=None, exception=None, **kwargs) -> None:
    task_logger.error(
        "task=%s id=%s outcome=failure duration_ms=%s error=%s: %s",
        getattr(sender, "name", "?"),
        task_id,
        _duration_ms(task_id),
        type(exception).__name__,
        exception,
    )


def log_task_outcomes() -> None:
    """Connect the Celery signals that log each task's outcome (idempotent)."""
    signals.task_prerun.connect(_on_prerun, weak=False, dispatch_uid="council-logs-prerun")
    signals.task_success.connect(_on_success, weak=False, dispatch_uid="council-logs-success")
    signals.task_retry.connect(_on_retry, weak=False, dispatch_uid="council-logs-retry")
    signals.task_failure.connect(_on_failure, weak=False, dispatch_uid="council-logs-failure")
