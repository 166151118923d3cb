"""A poll's results: vote counts and percentages that always add up to 100."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection

from council.shared.prepared import Prepared

from .models import Choice


def largest_remainder(counts: Sequence[int], *, total: int = 100) -> list[int]:
    """Whole percentages of `counts` that add up to exactly `total` (Hamilton's method).

    Each share first gets the whole part of its exact quota; the points left
    over go one each to the largest remainders. Equal remainders go to the
    choice with more votes, then to the one listed first, so the result never
    depends on the order the database returned rows in. No votes: all zeros.
    7, 4 and 5 of 16 are 43.75, 25 and 31.25: 43 + 25 + 31 = 99, and the one
    point left goes to 43.75, giving 44, 25 and 31.
    """
    votes = sum(counts)
    if votes == 0:
        return [0] * len(counts)
    # Integer arithmetic: quota = count * total / votes, exactly.
    whole = [count * total // votes for count in counts]
    remainders = [count * total % votes for count in counts]
    left_over = total - sum(whole)
    by_remainder = sorted(range(len(counts)), key=lambda i: (-remainders[i], -counts[i], i))
    for index in by_remainder[:left_over]:
        whole[index] += 1
    return whole


@dataclass(frozen=True)
class Row:
    choice_id: int
    text: str
    votes: int
    percent: int


@dataclass(frozen=True)
class Results:
    rows: tuple[Row, ...]
    total: int

    @classmethod
    def from_choices(cls, choices: Iterable[Choice]) -> Results:
        """Results from choices annotated by `Choice.objects.with_vote_counts()`."""
        return cls.from_counts((choice.pk, choice.text, choice.vote_count) for choice in choices)

    @classmethod
    def from_counts(cls, counted: Iterable[tuple[int, str, int]]) -> Results:
        """Results from (choice id, text, votes), in the order the choices are shown."""
        counted = list(counted)
        counts = [votes for _, _, votes in counted]
        percents = largest_remainder(counts)
        rows = tuple(
            Row(choice_id=pk, text=text, votes=votes, percent=percent)
            for (pk, text, votes), percent in zip(counted, percents, strict=True)
        )
        return cls(rows=rows, total=sum(counts))

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "choices": [
                {"id": row.choice_id, "text": row.text, "votes": row.votes, "percent": row.percent}
                for row in self.rows
            ],
        }


def count_results(poll_id: int) -> Results:
    """A poll's results from the database, in one aggregate query.

    Compiled once (council.shared.prepared): the answer to every vote counts afresh.
    """
    return Results.from_counts(_count_statement(connection.alias).fetchall(poll=poll_id))


_POLL = -7_000_001  # the poll's stand-in while the count is compiled


@functools.cache
def _count_statement(alias: str) -> Prepared:
    counted = (
        Choice.objects.using(alias)
        .filter(poll_id=_POLL)
        .with_vote_counts()
        .values_list("pk", "text", "vote_count")
    )
    return Prepared.of(counted, {"poll": _POLL})
