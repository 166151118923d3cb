"""The poll's workflows: casting a vote, closing a poll, choosing the featured one.

How a vote and a close never cross: `cast_vote` holds the poll shared and
`close_poll` holds it exclusively (polls.locks, advisory locks on
PostgreSQL), each until it commits. So a close waits for the votes in flight,
and a vote that arrives during a close waits for it and then sees the poll
closed. Both read the time from the database in a statement run after taking
the lock, and `Vote.created_at` is the database's clock too: every counted
vote was committed before `closes_at`.

Votes in one poll run side by side (their commits, each a flush to disk,
overlap); only votes by one voter, under any of their linked keys, take turns.
An earlier design locked the poll row exclusively for each vote: safe, but
one commit at a time, about 300 votes a second per poll on this machine.
"""

from __future__ import annotations

import functools
from functools import partial

from django.db import connection, connections, transaction
from django.db.models import CharField, Exists, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Least, Now
from django.utils.translation import gettext_lazy as _

from council.shared.prepared import Prepared

from . import caching, locks
from .models import Choice, Poll, Vote, VoterLink
from .voters import member_key, member_key_for


class VoteRefused(Exception):
    """A vote the poll does not take; `message` tells the visitor why, in Vietnamese."""

    message = _("Không thể ghi nhận phiếu bình chọn này.")


class AlreadyVoted(VoteRefused):
    message = _("Bạn đã bình chọn trong cuộc thăm dò này rồi. Mỗi người chỉ được bình chọn một lần.")


class PollClosed(VoteRefused):
    message = _("Cuộc thăm dò này đã kết thúc, không nhận thêm phiếu.")


class PollNotYetOpen(VoteRefused):
    message = _("Cuộc thăm dò này chưa bắt đầu, chưa nhận phiếu.")


class MembersOnly(VoteRefused):
    message = _("Cuộc thăm dò này chỉ dành cho thành viên Hội đồng. Vui lòng đăng nhập để bình chọn.")


def cast_vote(*, choice: Choice, voter_key: str, user=None) -> Vote:
    """Record one vote for `choice` by the voter `voter_key` ("user:<id>" or "guest:<token>").

    Side effects: inserts one Vote, in a transaction of its own or a savepoint
    of the caller's, and on commit gives the poll's results a new cache
    version. A vote under a key linked to this one (see VoterLink) counts as
    this voter's. Not idempotent by design: the second call for the same poll
    and voter raises AlreadyVoted.

    Raises PollNotYetOpen, PollClosed, MembersOnly (a members-only poll and no
    logged-in `user`) or AlreadyVoted, all subclasses of VoteRefused. Holds
    the poll shared and the voter's keys until the transaction ends (see the
    module's docstring).
    """
    if user is not None and voter_key != member_key(user):
        raise ValueError(f"a member votes as {member_key(user)!r}, not {voter_key!r}")
    # Its own transaction, or a savepoint in the caller's: a refused vote
    # leaves the caller's transaction usable.
    with transaction.atomic():
        locks.for_vote(choice.poll_id, voter_key)
        vote = _insert_if_allowed(choice=choice, voter_key=voter_key, user=user)
        if vote is None:
            raise _refusal(poll_id=choice.poll_id, voter_key=voter_key, user=user)
        transaction.on_commit(partial(caching.forget_results, choice.poll_id))
    return vote


# The vote's columns, in the order of Vote's fields (what Model.from_db expects).
_VOTE_COLUMNS = ("poll_id", "choice_id", "voter_key", "user_id")
# Stand-ins for a vote's values while its statement is compiled (council.shared.prepared).
_POLL, _CHOICE, _USER = -7_000_001, -7_000_002, -7_000_003
_GUEST_KEY = "guest:\x00stand-in\x00"


def _insert_if_allowed(*, choice: Choice, voter_key: str, user) -> Vote | None:
    """Insert the vote if the poll takes it now; the Vote, or None if it was not inserted.

    One statement, run after the locks (so it reads the latest committed
    poll, and the database's time now, not when the vote began to wait):
    INSERT … SELECT from the poll when it is open, the voter may vote in it
    and has not voted under a linked key; ON CONFLICT DO NOTHING when they
    have under this very key (the unique constraint polls_vote_unique_voter).
    The vote's created_at is the column's default: that statement's time.
    """
    user_id = user.pk if user is not None else None
    statement = _vote_statement(connection.alias, member=user is not None)
    row = statement.fetchone(poll=choice.poll_id, choice=choice.pk, voter_key=voter_key, user=user_id)
    if row is None:
        return None
    # The row as inserted; created_at, the database's, is read only if asked for.
    vote = Vote.from_db(
        connection.alias, ["id", *_VOTE_COLUMNS], [row[0], choice.poll_id, choice.pk, voter_key, user_id]
    )
    vote.choice = choice
    return vote


@functools.cache
def _vote_statement(alias: str, *, member: bool) -> Prepared:
    """The vote's INSERT … SELECT for a member's or a guest's vote, compiled once (the site's hottest write).

    The conditions are the ORM's own (PollQuerySet.open, under_linked_keys,
    the audience); an INSERT from a SELECT is what the ORM cannot write.
    """
    voter_key = member_key_for(_USER) if member else _GUEST_KEY
    allowed = (
        Poll.objects.using(alias)
        .open(now=Now())
        .filter(pk=_POLL)
        .exclude(Exists(Vote.objects.filter(poll=OuterRef("pk")).under_linked_keys(voter_key)))
        .order_by()
    )
    if not member:
        allowed = allowed.exclude(audience=Poll.Audience.MEMBERS)
    allowed = allowed.values_list(
        "pk",
        Value(_CHOICE, output_field=IntegerField()),
        Value(voter_key, output_field=CharField()),
        Value(_USER if member else None, output_field=IntegerField()),
    )
    stand_ins = {"poll": _POLL, "choice": _CHOICE, "voter_key": voter_key}
    if member:
        stand_ins["user"] = _USER
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(Vote._meta.get_field(name).column) for name in _VOTE_COLUMNS)
    return Prepared.of(
        allowed,
        stand_ins,
        before=f"INSERT INTO {quote(Vote._meta.db_table)} ({columns}) ",
        after=f" ON CONFLICT DO NOTHING RETURNING {quote(Vote._meta.pk.column)}",
    )


def _refusal(*, poll_id: int, voter_key: str, user) -> VoteRefused:
    """Why the poll did not take the vote (under the same locks: nothing has changed since)."""
    poll = Poll.objects.annotate(
        db_now=Now(),
        voted=Exists(Vote.objects.filter(poll=OuterRef("pk")).of_voter(voter_key)),
    ).get(pk=poll_id)
    if poll.db_now < poll.opens_at:
        return PollNotYetOpen()
    if poll.closes_at is not None and poll.closes_at <= poll.db_now:
        return PollClosed()
    if poll.members_only and user is None:
        return MembersOnly()
    if poll.voted:
        return AlreadyVoted()
    return VoteRefused()


def link_guest_voter(*, user, guest_keys: set[str]) -> None:
    """Make the member `user` and these guest keys of their browser one voter.

    Side effects: inserts a VoterLink per key not yet linked to `user` (called
    at sign-in). Idempotent. From then on a vote under any of the keys is the
    member's vote and the other way round (Vote.objects.of_voter).
    """
    VoterLink.objects.bulk_create(
        [VoterLink(user=user, guest_key=key) for key in sorted(guest_keys)], ignore_conflicts=True
    )


def close_poll(*, poll: Poll) -> Poll:
    """Stop `poll` taking votes now, and return it with its closing time.

    Side effects: sets closes_at to the database's time (and opens_at too, if
    the poll had not opened yet), holding the poll exclusively (polls.locks),
    which waits for the votes in flight (the update announces the change: every
    cache of the poll is then stale). Idempotent: a poll already closed keeps its time.
    """
    with transaction.atomic():
        locks.own_poll(poll.pk)
        # A statement of its own, run once the lock is ours: its Now() is later
        # than the commit of every vote that held the poll before us.
        Poll.objects.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=Now()), pk=poll.pk).update(
            closes_at=Now(), opens_at=Least("opens_at", Now())
        )
        poll.refresh_from_db(fields=["opens_at", "closes_at"])
    return poll


def feature_poll(*, poll: Poll) -> None:
    """Show `poll` in the sidebar instead of whichever poll was there.

    Side effects: unfeatures every other poll and features this one in one
    transaction (the partial unique constraint allows one featured poll).
    Idempotent.
    """
    with transaction.atomic():
        Poll.objects.filter(featured=True).exclude(pk=poll.pk).update(featured=False)
        Poll.objects.filter(pk=poll.pk).update(featured=True)
        poll.featured = True


def unfeature_poll(*, poll: Poll) -> None:
    """Take `poll` out of the sidebar (which then shows no poll). Idempotent."""
    with transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(featured=False)
        poll.featured = False
