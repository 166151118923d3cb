"""A poll's results: vote counts and percentages that always add up to 100."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
        choices = list(choices)
        counts = [choice.vote_count for choice in choices]
        percents = largest_remainder(counts)
        rows = tuple(
            Row(choice_id=choice.pk, text=choice.text, votes=count, percent=percent)
            for choice, count, percent in zip(choices, counts, percents, strict=True)
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
    """A poll's results from the database, in one aggregate query."""
    return Results.from_choices(Choice.objects.filter(poll_id=poll_id).with_vote_counts())
