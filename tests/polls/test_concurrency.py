"""Races on PostgreSQL: real threads, each with its own connection, started together.

Nothing here is mocked: the unique constraint, the poll's and the voter's locks
(polls.locks) and the database clock are what is being tested.
"""

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from polls.models import Vote, VoterLink
from polls.results import count_results
from polls.services import AlreadyVoted, PollClosed, cast_vote, close_poll
from tests.factories import UserFactory, poll_with_choices
from tests.polls.conftest import browser_cookies
from tests.races import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 64


def in_thread(work) -> tuple[threading.Thread, list]:
    """Start `work()` in a thread with its own connection; its outcome lands in the list."""
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(work())
        except Exception as error:
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def wait_for_lock_waiters(count: int) -> None:
    """Wait until `count` sessions of this test database are blocked on a lock."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.02)
    raise AssertionError(f"{count} session(s) never waited on a lock")


def test_64_guests_voting_at_once_lose_nothing(settings):
    settings.POLLS_VOTES_PER_MINUTE = 10_000
    poll, choices = poll_with_choices("Đạt yêu cầu", "Chưa đạt yêu cầu", "Cần thêm chủ đề")
    url = f"/binh-chon/{poll.slug}/binh-chon/"

    def vote(i: int):
        # A fresh browser: a guest of its own, with only the cookie its page gave it.
        return browser_cookies(Client()).post(
            url, {"choice": choices[i % 3].pk}, HTTP_ACCEPT="application/json"
        )

    responses = at_once(THREADS, vote, own_connection=True)

    statuses = Counter(getattr(r, "status_code", repr(r)) for r in responses)
    assert statuses == Counter({200: THREADS})
    cookies = {r.cookies["polls_voter"].value for r in responses}
    assert len(cookies) == THREADS
    assert Vote.objects.filter(poll=poll).count() == THREADS
    assert Vote.objects.filter(poll=poll).values("voter_key").distinct().count() == THREADS
    results = count_results(poll.pk)
    assert [row.votes for row in results.rows] == [22, 21, 21]
    assert results.total == THREADS
    page = Client().get(poll.get_absolute_url(), HTTP_ACCEPT="application/json").json()
    assert page["results"]["total"] == THREADS


def test_64_votes_by_one_voter_leave_one(settings):
    poll, choices = poll_with_choices("Có", "Không")

    outcomes = at_once(
        THREADS,
        lambda i: cast_vote(choice=choices[i % 2], voter_key="guest:one-voter"),
        own_connection=True,
    )

    kinds = Counter(type(outcome).__name__ for outcome in outcomes)
    assert kinds == Counter({"Vote": 1, "AlreadyVoted": THREADS - 1})
    assert Vote.objects.filter(poll=poll).count() == 1
    assert count_results(poll.pk).total == 1


def test_votes_racing_the_close_are_counted_before_it_or_refused_after():
    """63 voters spread over ~30 ms and a close at ~10 ms, three times over.

    The split differs from run to run; what may never happen is a vote
    counted with a time at or after closes_at, or a vote lost either way.
    """
    voters = THREADS - 1
    counted_total = refused_total = 0
    for _round in range(3):
        poll, choices = poll_with_choices("Có", "Không")

        def work(i: int, poll=poll, choices=choices):
            if i == voters:
                time.sleep(0.010)
                return close_poll(poll=poll)
            time.sleep(i * 0.0005)  # spread the votes around the close
            return cast_vote(choice=choices[i % 2], voter_key=f"guest:racer-{i}")

        outcomes = at_once(THREADS, work, own_connection=True)

        closed = outcomes[voters]
        counted = [o for o in outcomes[:voters] if isinstance(o, Vote)]
        refused = [o for o in outcomes[:voters] if isinstance(o, PollClosed)]
        assert len(counted) + len(refused) == voters, outcomes
        rows = list(Vote.objects.filter(poll=poll))
        assert len(rows) == len(counted) == count_results(poll.pk).total
        # Every vote counted was written before the close, by the database's one clock.
        assert all(row.created_at < closed.closes_at for row in rows)
        counted_total += len(counted)
        refused_total += len(refused)
    # Both sides of the race happened, or the test proved nothing.
    assert counted_total > 0
    assert refused_total > 0


def test_a_close_waits_for_a_vote_in_flight_and_counts_it():
    from django.db import transaction

    poll, (yes, _) = poll_with_choices("Có", "Không")
    voted, release = threading.Event(), threading.Event()

    def vote_slowly():
        with transaction.atomic():
            vote = cast_vote(choice=yes, voter_key="guest:slow")
            voted.set()
            release.wait(30)  # still holding the poll shared
        return vote

    voter, vote_outcome = in_thread(vote_slowly)
    assert voted.wait(30)
    closer, close_outcome = in_thread(lambda: close_poll(poll=poll))
    wait_for_lock_waiters(1)  # the close is blocked behind the vote
    release.set()
    voter.join(30)
    closer.join(30)

    (vote,) = vote_outcome
    (closed,) = close_outcome
    assert isinstance(vote, Vote)
    assert vote.created_at < closed.closes_at
    assert count_results(poll.pk).total == 1


def test_a_vote_arriving_during_a_close_waits_and_is_refused():
    from django.db import transaction

    poll, (yes, _) = poll_with_choices("Có", "Không")
    closing, release = threading.Event(), threading.Event()

    def close_slowly():
        with transaction.atomic():
            closed = close_poll(poll=poll)
            closing.set()
            release.wait(30)  # closes_at written but not committed, the poll held
        return closed

    closer, _ = in_thread(close_slowly)
    assert closing.wait(30)
    voter, vote_outcome = in_thread(lambda: cast_vote(choice=yes, voter_key="guest:late"))
    wait_for_lock_waiters(1)  # the vote waits for the close instead of reading the old row
    release.set()
    closer.join(30)
    voter.join(30)

    (outcome,) = vote_outcome
    assert isinstance(outcome, PollClosed)
    assert Vote.objects.count() == 0


def test_already_voted_is_only_the_unique_constraint():
    """A vote refused as a duplicate leaves the transaction usable (the savepoint)."""
    from django.db import transaction

    poll, (yes, no) = poll_with_choices("Có", "Không")
    with transaction.atomic():
        cast_vote(choice=yes, voter_key="guest:a")
        with pytest.raises(AlreadyVoted):
            cast_vote(choice=no, voter_key="guest:a")
        cast_vote(choice=no, voter_key="guest:b")

    assert Vote.objects.filter(poll=poll).count() == 2


def test_a_member_and_their_browser_voting_at_once_count_once():
    """The member's key and the browser's guest key race in 20 polls; each poll counts one."""
    member = UserFactory()
    VoterLink.objects.create(user=member, guest_key="guest:members-browser")
    for _round in range(20):
        poll, (yes, no) = poll_with_choices("Có", "Không")

        def work(i: int, yes=yes, no=no):
            if i == 0:
                return cast_vote(choice=yes, voter_key=f"user:{member.pk}", user=member)
            return cast_vote(choice=no, voter_key="guest:members-browser")

        kinds = Counter(type(outcome).__name__ for outcome in at_once(2, work, own_connection=True))

        assert kinds == Counter({"Vote": 1, "AlreadyVoted": 1})
        assert Vote.objects.filter(poll=poll).count() == 1
