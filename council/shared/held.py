"""Memo: the one kind of per-process memory, for values read or rendered on every request.

Some shared state is read on every request (the content version of the page
shells, the poll in the sidebar and its results, the online counter's
figures) and would otherwise cost a cache round trip per request; some things
are rendered once per process (page shells, poll blocks). Each process keeps
them in a Memo: a value for a while (its lifetime), at most `max_entries` of
them, the least recently used dropped first when a new one comes. A change
made in another process shows here at most a lifetime later; one made in this
process shows at once, since whoever changes the value also forgets it here.
What every memo holds, its key, lifetime and what invalidates it is the
README's "Caching" table.

Plain memory rather than Django's local-memory cache, which pickles every
value and checks every key character by character on each read: on a page
served in well under a millisecond, that shows.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_everything: list[Memo] = []


class Memo:
    """Values kept for `seconds` each, one per key (a memo of one value uses the key None).

    Never more than `max_entries` keys: keeping one more drops the least
    recently used (read or kept), never the others. Safe to share between a
    gunicorn worker's threads. `clock` is what the lifetimes are measured on:
    time.monotonic, unless the caller works in wall-clock time (the counter).
    """

    def __init__(
        self, seconds: float, *, max_entries: int = 1000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self.clock = clock
        # key -> (until, value), the least recently used first.
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        _everything.append(self)

    def __len__(self) -> int:
        return len(self._entries)

    def current(self, key: Hashable = None, *, now: float | None = None) -> tuple[Any] | None:
        """(value,) while it is kept, else None (the value itself may be None)."""
        now = self.clock() if now is None else now
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now >= entry[0]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return (entry[1],)

    def keep(
        self, value: Any, key: Hashable = None, *, seconds: float | None = None, until: float | None = None
    ) -> Any:
        """Keep `value` under `key` for `seconds` (the memo's own lifetime unless given), or `until`."""
        if until is None:
            until = self.clock() + (self.seconds if seconds is None else seconds)
        with self._lock:
            self._entries[key] = (until, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def forget(self, key: Hashable = None) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()


def forget_everything() -> None:
    """Drop every memo's values (tests, between cases)."""
    for memo in _everything:
        memo.forget_all()
