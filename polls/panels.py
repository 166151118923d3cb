"""A poll as one visitor sees it: the form, their vote, the results if they may see them."""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest

from . import caching
from .models import Poll, Vote
from .results import Results, count_results
from .voters import Voter


class PollPanel:
    """What the poll block shows this visitor; each fact costs a query only when used.

    `place` keeps element ids apart when a page shows the same poll twice
    (the poll's own page and the sidebar).
    """

    def __init__(
        self,
        poll: Poll,
        *,
        voter: Voter,
        place: str = "sidebar",
        voted_for: int | None = None,
        counted: Results | None = None,
        count_afresh: bool = False,
    ) -> None:
        self.poll = poll
        self.counted = counted  # results counted when the poll was loaded, if they were
        # The answer to a vote counts for itself: the cache's results went stale with
        # that very vote, and what it would store goes stale with the next one.
        self.count_afresh = count_afresh
        self.voter = voter
        self.place = place
        if voted_for is not None:
            self.my_choice_id = voted_for  # just cast: no need to look it up

    @classmethod
    def for_request(
        cls, poll: Poll, request: HttpRequest, *, place: str = "sidebar", counted: Results | None = None
    ) -> PollPanel:
        return cls(poll, voter=Voter.from_request(request), place=place, counted=counted)

    @cached_property
    def my_choice_id(self) -> int | None:
        """The choice this visitor voted for under any of their keys (one query, only for known voters)."""
        if self.voter.key is None:
            return None
        return (
            Vote.objects.filter(poll_id=self.poll.pk)
            .of_voter(self.voter.key)
            .values_list("choice_id", flat=True)
            .first()
        )

    @property
    def has_voted(self) -> bool:
        return self.my_choice_id is not None

    @cached_property
    def my_choice(self):
        return next((c for c in self.poll.choices.all() if c.pk == self.my_choice_id), None)

    @property
    def needs_login(self) -> bool:
        return self.poll.members_only and self.voter.user is None

    @cached_property
    def can_vote(self) -> bool:
        return self.poll.is_open and not self.needs_login and not self.has_voted

    @cached_property
    def shows_results(self) -> bool:
        return self.poll.results_visible(has_voted=self.has_voted)

    @cached_property
    def results(self) -> Results:
        return count_results(self.poll.pk)

    @cached_property
    def results_html(self) -> str:
        """The results fragment, from the cache; counted and rendered only when it is stale."""
        if self.count_afresh:
            return caching.render_results(self.results)
        return caching.results_fragment(self.poll.pk, lambda: self.results, counted_before=self.counted)

    @property
    def dom_id(self) -> str:
        return f"poll-{self.place}-{self.poll.pk}"

    def as_json(self) -> dict:
        poll = self.poll
        return {
            "id": poll.pk,
            "question": poll.question,
            "url": poll.get_absolute_url(),
            "opens_at": poll.opens_at.isoformat(),
            "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
            "is_open": poll.is_open,
            "members_only": poll.members_only,
            "has_voted": self.has_voted,
            "my_choice": self.my_choice_id,
            "can_vote": self.can_vote,
            "results": self.results.as_json() if self.shows_results else None,
        }
