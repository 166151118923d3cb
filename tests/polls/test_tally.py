"""The vote tallies the database keeps (polls.models.Tally) always add up to the vote rows.

Whatever writes the votes: a vote cast, the ORM one row or many at a time, an
edit that moves a vote to another choice, deletes of every kind, a poll
deleted with its votes. On SQLite (`make test` on a bare machine) and on
PostgreSQL (CI), each with its own triggers.
"""

import random

import pytest
from django.db import connection
from django.db.models import Count

from polls.models import Choice, Poll, Tally, Vote
from polls.results import count_results
from polls.services import cast_vote
from tests.factories import poll_with_choices

pytestmark = pytest.mark.django_db


def rows_by_choice(poll: Poll) -> dict[int, int]:
    return dict(Choice.objects.filter(poll=poll).annotate(n=Count("votes")).values_list("pk", "n"))


def tallied_by_choice(poll: Poll) -> dict[int, int]:
    return {row.choice_id: row.votes for row in count_results(poll.pk).rows}


def assert_tallies_match(poll: Poll) -> None:
    assert tallied_by_choice(poll) == rows_by_choice(poll)
    assert (
        Poll.objects.with_vote_totals().get(pk=poll.pk).vote_total == Vote.objects.filter(poll=poll).count()
    )


def test_every_way_of_writing_votes_keeps_the_tallies_exact():
    poll, (yes, no, unsure) = poll_with_choices("Có", "Không", "Chưa rõ")

    for i in range(5):
        cast_vote(choice=[yes, no][i % 2], voter_key=f"guest:cast-{i}")
    assert_tallies_match(poll)
    assert tallied_by_choice(poll) == {yes.pk: 3, no.pk: 2, unsure.pk: 0}

    Vote.objects.create(poll=poll, choice=unsure, voter_key="guest:one")
    Vote.objects.bulk_create([Vote(poll=poll, choice=yes, voter_key=f"guest:bulk-{i}") for i in range(4)])
    assert_tallies_match(poll)

    moved = Vote.objects.get(voter_key="guest:one")
    moved.choice = no
    moved.save()  # an edit in the admin: one vote moves from "Chưa rõ" to "Không"
    Vote.objects.filter(voter_key__startswith="guest:bulk-").update(choice=unsure)
    Vote.objects.filter(voter_key="guest:cast-0").update(voter_key="guest:renamed")  # choice unchanged
    assert_tallies_match(poll)

    Vote.objects.get(voter_key="guest:cast-1").delete()
    Vote.objects.filter(voter_key__startswith="guest:bulk-").delete()
    assert_tallies_match(poll)
    assert sum(tallied_by_choice(poll).values()) == 5


def test_many_random_writes_keep_the_tallies_exact():
    """A sweep: 300 writes of every kind in a random order, checked after each."""
    poll, choices = poll_with_choices("Một", "Hai", "Ba", "Bốn")
    chance = random.Random(17)
    for step in range(300):
        votes = list(Vote.objects.filter(poll=poll).values_list("pk", flat=True))
        action = chance.choice(["cast", "cast", "create", "move", "delete", "delete_many"])
        if action == "cast" or not votes:
            cast_vote(choice=chance.choice(choices), voter_key=f"guest:{step}")
        elif action == "create":
            Vote.objects.create(poll=poll, choice=chance.choice(choices), voter_key=f"guest:made-{step}")
        elif action == "move":
            Vote.objects.filter(pk=chance.choice(votes)).update(choice=chance.choice(choices))
        elif action == "delete":
            Vote.objects.get(pk=chance.choice(votes)).delete()
        else:
            Vote.objects.filter(pk__in=chance.sample(votes, k=min(3, len(votes)))).delete()
        assert tallied_by_choice(poll) == rows_by_choice(poll), (step, action)


def test_deleting_a_poll_takes_its_tallies_with_it():
    poll, (yes, no) = poll_with_choices("Có", "Không")
    other, (other_yes, _) = poll_with_choices("Đồng ý", "Không đồng ý")
    for i in range(3):
        cast_vote(choice=yes if i else no, voter_key=f"guest:{i}")
    cast_vote(choice=other_yes, voter_key="guest:0")

    poll.delete()

    # A tally row made while the poll's votes were deleted would outlive its choice:
    # the deferred foreign keys are checked here as they would be at commit.
    connection.check_constraints()
    assert set(Tally.objects.values_list("choice__poll", flat=True)) == {other.pk}
    assert_tallies_match(other)


def test_a_choice_without_votes_has_no_tally_and_counts_zero():
    poll, (yes, no) = poll_with_choices("Có", "Không")
    cast_vote(choice=yes, voter_key="guest:a")

    assert not Tally.objects.filter(choice=no).exists()
    assert tallied_by_choice(poll) == {yes.pk: 1, no.pk: 0}
