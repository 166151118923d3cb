"""Shared values that each process keeps for a second or two.

A page read on every request (the content version of the page shells, the
poll in the sidebar) would otherwise cost a cache round trip per request.
Each process keeps what it read for a moment: a change made in another
process shows here at most that moment later; one made in this process
shows at once, since whoever changes the value also calls forget().
"""

from __future__ import annotations

import time
from typing import Any

_everything: list[Held] = []


class Held:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._held: tuple[float, Any] | None = None  # one tuple: replaced whole, never half-written
        _everything.append(self)

    def current(self) -> tuple[Any] | None:
        """(value,) while it is held, else None (the value itself may be None)."""
        held = self._held
        if held is not None and time.monotonic() < held[0]:
            return (held[1],)
        return None

    def keep(self, value: Any) -> Any:
        self._held = (time.monotonic() + self.seconds, value)
        return value

    def forget(self) -> None:
        self._held = None


def forget_everything() -> None:
    """Drop every held value (tests, between cases)."""
    for held in _everything:
        held.forget()
