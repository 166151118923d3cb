"""A circuit breaker: after a service fails, stop asking it for a few seconds.

Redis holds the cache, the sessions, the online counter and the Celery broker.
When it stops or hangs, every call would otherwise wait for its own time-out;
with the breaker open, calls fail at once (the caller falls back: a cache miss,
"—" for the counter, a delivery left queued for the sweep), and after
`REDIS_BREAKER_SECONDS` one call is let through to see whether Redis is back.

Each process has its own breaker: no shared state is needed to decide that
shared state is unreachable. This module imports no app and no client library.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
import weakref
from collections.abc import Callable

from django.conf import settings

logger = logging.getLogger(__name__)


class Breaker:
    """Closed (calls go through) until a failure; then open for `seconds()`.

    Once that time has passed, the next call is a trial: it goes through, and
    closes the breaker if it succeeds or opens it again if it fails. Functions
    registered with `on_recovery` run when a trial succeeds.
    """

    def __init__(self, name: str, seconds: Callable[[], float]) -> None:
        self.name = name
        self.seconds = seconds
        self._open_until = 0.0
        self._tripped = False
        self._lock = threading.Lock()
        self._recovery: list[Callable[[], Callable[[], None] | None]] = []

    def allows(self) -> bool:
        """Whether a call may be made now (closed, or the open time is over)."""
        return not self._tripped or time.monotonic() >= self._open_until

    @property
    def is_open(self) -> bool:
        return not self.allows()

    @property
    def failing(self) -> bool:
        """Whether the last call failed (open, or waiting for its trial)."""
        return self._tripped

    def trip(self, error: BaseException | str) -> None:
        """Record a failure: open for the next `seconds()`."""
        with self._lock:
            first = not self._tripped
            self._tripped = True
            self._open_until = time.monotonic() + self.seconds()
        if first:
            logger.warning("%s unavailable, not asked again for %ss: %s", self.name, self.seconds(), error)

    def succeed(self) -> None:
        """Record a success: closed again, and the recovery functions run if it was open."""
        if not self._tripped:
            return
        with self._lock:
            if not self._tripped:
                return
            self._tripped = False
            self._open_until = 0.0
        logger.warning("%s available again", self.name)
        for held in list(self._recovery):
            function = held()
            if function is None:
                self._recovery.remove(held)
                continue
            try:
                function()
            except Exception:  # one recovery step failing must not stop the others
                logger.exception("%s: recovery step %r failed", self.name, function)

    def on_recovery(self, function: Callable[[], None]) -> Callable[[], None]:
        """Run `function` (no arguments) whenever the service comes back; usable as a decorator.

        A bound method is held weakly: registering does not keep its object alive.
        """
        held = weakref.WeakMethod(function) if inspect.ismethod(function) else (lambda: function)
        self._recovery.append(held)
        return function

    def reset(self) -> None:
        """Closed, as at start (tests)."""
        with self._lock:
            self._tripped = False
            self._open_until = 0.0


redis = Breaker("Redis", lambda: settings.REDIS_BREAKER_SECONDS)
database = Breaker("PostgreSQL", lambda: settings.DATABASE_BREAKER_SECONDS)
