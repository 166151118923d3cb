"""The locks that keep votes and closes apart, and one voter's votes one at a time (PostgreSQL).

PostgreSQL's advisory locks, held until the transaction ends, in two spaces:

- A poll: every vote holds it shared, a close holds it exclusively. Votes in
  one poll never wait for each other, so their commits (each a disk flush)
  overlap; a close waits for the votes in flight, and a vote that arrives
  while a close waits or runs queues behind it. The lock manager queues a
  shared request behind an exclusive one already waiting, so a steady stream
  of votes cannot starve a close (as overlapping FOR SHARE row locks would).
- A voter: a vote holds its own key and every key linked to it (VoterLink)
  exclusively, so the same person voting as a member and as their browser at
  once is checked one vote after the other, never both before either writes.

Keys are hashed to 32 bits: two voters that share a hash merely wait for each
other. Other databases (SQLite, the embedded mode) write one transaction at a
time anyway: there these do nothing.
"""

import functools

from django.db import connection

from council.shared.prepared import Prepared

from .models import VoterLink

# The two-number form of the advisory lock functions: (space, key).
POLL_SPACE = 0x706F6C6C  # "poll"
VOTER_SPACE = 0x766F7465  # "vote"
INT4 = 2**31


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def own_poll(poll_id: int) -> None:
    """Wait for every vote in flight in the poll, then hold it alone until commit (a close)."""
    if _on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [POLL_SPACE, poll_id % INT4])


def for_vote(poll_id: int, voter_key: str) -> None:
    """Hold the poll shared, then the voter's key and every key linked to it, until commit.

    One statement (a vote makes many round trips already), prepared once per
    connection (council.shared.prepared). The poll comes first, so a vote
    holding keys never waits for the poll (nor for a close); the keys come in
    the order of their hashes, so two votes locking the same keys never each
    hold one the other waits for: no wait goes round in a circle.
    """
    if not _on_postgresql():
        return
    user_id = int(voter_key.removeprefix("user:")) if voter_key.startswith("user:") else None
    _vote_locks(connection.alias).fetchall(
        poll_space=POLL_SPACE,
        poll=poll_id % INT4,
        voter_space=VOTER_SPACE,
        voter_key=voter_key,
        user_id=user_id,
    )


@functools.cache
def _vote_locks(alias: str) -> Prepared:
    links = VoterLink._meta.db_table
    return Prepared.raw(
        f"""
        WITH poll AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(%(poll_space)s::int, %(poll)s::int))
        SELECT pg_advisory_xact_lock(%(voter_space)s::int, hash) FROM poll, (
            SELECT DISTINCT hashtext(key) AS hash FROM (
                SELECT %(voter_key)s::text AS key
                UNION ALL SELECT 'user:' || user_id FROM {links} WHERE guest_key = %(voter_key)s
                UNION ALL SELECT guest_key FROM {links} WHERE user_id = %(user_id)s
            ) AS keys
            ORDER BY hash
        ) AS ordered
        """,
        {"poll_space": int, "poll": int, "voter_space": int, "voter_key": str, "user_id": int},
        alias=alias,
    )
