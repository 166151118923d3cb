"""Values each process keeps for a while, in plain memory.

Some shared state is read on every request (the content version of the
page shells, the poll in the sidebar and its results) and would otherwise
cost a cache round trip per request. Each process keeps what it read for a
moment: a change made in another process shows here at most that moment
later; one made in this process shows at once, since whoever changes the
value also calls forget().

Things rendered once per process (page shells, poll blocks) are kept here
too rather than in Django's local-memory cache, which pickles every value
and checks every key character by character on each read: on a page served
in well under a millisecond, that shows.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from typing import Any

_everything: list[Held] = []


class Held:
    """Values held for `seconds`, one per key (most holders use a single key, None).

    Never more than `max_entries` keys: past that, all are dropped and kept anew.
    """

    def __init__(self, seconds: float, *, max_entries: int = 1000) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        # key -> (until, value): each entry replaced whole, never half-written.
        self._held: dict[Hashable, tuple[float, Any]] = {}
        _everything.append(self)

    def current(self, key: Hashable = None) -> tuple[Any] | None:
        """(value,) while it is held, else None (the value itself may be None)."""
        held = self._held.get(key)
        if held is not None and time.monotonic() < held[0]:
            return (held[1],)
        return None

    def keep(self, value: Any, key: Hashable = None, *, seconds: float | None = None) -> Any:
        if len(self._held) >= self.max_entries:
            self._held = {}
        self._held[key] = (time.monotonic() + (self.seconds if seconds is None else seconds), value)
        return value

    def forget(self, key: Hashable = None) -> None:
        self._held.pop(key, None)

    def forget_all(self) -> None:
        self._held = {}


def forget_everything() -> None:
    """Drop every held value (tests, between cases)."""
    for held in _everything:
        held.forget_all()
