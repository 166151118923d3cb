"""Who is online, and how many visits: the sidebar's "Thống kê truy cập".

A visitor is online for WINDOW seconds after its last page. Guests and members
are kept apart (a guest who logs in moves to the members). Each visitor is
written at most once every WRITE_EVERY seconds, and the counts are computed at
most once every READ_EVERY seconds and shared by all web processes, so a page
view costs one cookie check and one cache read, never a database write.

The state lives in council.counter_store (Redis, or Django's cache in the
embedded mode); the shared snapshot in a Memo of each process. Past days are
copied into council.DailyVisits by a daily Celery beat task, so the total
shown is the database's history plus today's count, and survives a Redis restart.

People, not clients: crawlers, link previews, monitors and scripts are
recognised by the crawler-user-agents list (in-app browsers of Zalo, Facebook,
Instagram, Line and TikTok are readers, not bots); the reader sees themself in
the counts on their first page (Reader.shown_in); and a client that never
returns the cookie cannot add more than ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE
guests a minute from one address (a browser beyond that, behind a busy NAT,
is counted from its second page, when it brings its cookie back).
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import secrets
import time
from dataclasses import asdict, dataclass, field, replace

import crawleruseragents
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from .counter_store import WINDOW, backend, day_of
from .shared.held import Memo

WRITE_EVERY = 60
# A new visit starts after this long without a page.
VISIT_GAP = 30 * 60
COOKIE = "truc_tuyen"
SKIPPED_PATHS = ("/static/", "/media/", "/healthz", "/bench/", "/favicon", "/robots.txt", "/sitemap.xml")


@dataclass(frozen=True)
class Snapshot:
    guests: int
    members: int
    today: int
    total: int
    # When the figures were read: who was written before then is in them.
    at: float = field(default=0.0, compare=False)

    @property
    def online(self) -> int:
        return self.guests + self.members


# Real user agents are a few hundred characters; a longer one is cut before matching and remembering.
AGENT_LENGTH = 512


def is_bot(user_agent: str) -> bool:
    """Whether a user agent is a crawler, link preview, monitor or script, not a person.

    The maintained crawler-user-agents list decides (its patterns are compiled
    once per process, on first use; see load_bot_patterns). A request with no
    user agent is no browser. Matching a person's user agent runs every
    pattern, some hundreds of microseconds, so each agent is matched once and
    remembered: a site's readers use a few hundred distinct ones.
    """
    return _is_bot((user_agent or "").strip()[:AGENT_LENGTH])


@functools.lru_cache(maxsize=4096)
def _is_bot(user_agent: str) -> bool:
    return not user_agent or crawleruseragents.is_crawler(user_agent)


def load_bot_patterns() -> None:
    """Compile the bot list now (at start-up) rather than on a reader's first page."""
    crawleruseragents.is_crawler("Mozilla/5.0")


def new_guest_id() -> str:
    """A guest's id: "g" and a random token, never to be taken for a member's."""
    return f"g{secrets.token_urlsafe(12)}"


def member_id(user_pk: int) -> str:
    return f"m{user_pk}"


_MEMBER_ID = re.compile(r"m\d+")


def is_member_id(visitor: str) -> bool:
    """Whether a visitor id from the cookie is a member's ("m" and the account's number).

    Not a test of the first letter alone: guest ids made before they began
    with "g" were random tokens, one in 64 of which begins with "m".
    """
    return _MEMBER_ID.fullmatch(visitor) is not None


def record(
    *,
    visitor: str,
    member: bool,
    last_seen: float | None,
    now: float | None = None,
    moved_from: str | None = None,
) -> bool:
    """Mark `visitor` online (at most once every WRITE_EVERY seconds); True if written."""
    now = time.time() if now is None else now
    if last_seen is not None and now - last_seen < WRITE_EVERY and not moved_from:
        return False
    new_visit = last_seen is None or now - last_seen >= VISIT_GAP
    backend().touch(visitor=visitor, member=member, new_visit=new_visit, now=now, moved_from=moved_from)
    return True


def admit_new_guest(*, address: str, now: float | None = None) -> bool:
    """Whether a new guest id from `address` may be counted now (ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE).

    A client that never returns the cookie asks for a new id on every page;
    past the limit its ids are not counted. A real browser over the limit
    (a busy office behind one NAT) keeps its id and is counted from its
    next page, when the cookie comes back.
    """
    now = time.time() if now is None else now
    return backend().new_guests(address=address, now=now) <= settings.ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE


def history_total() -> int:
    """Visits of all days before today, from the database (cached for the day)."""
    today = timezone.localdate()
    key = f"online:history:{today.isoformat()}"
    total = cache.get(key)
    if total is None:
        from .models import DailyVisits

        total = DailyVisits.objects.filter(day__lt=today).aggregate(total=Sum("visits"))["total"] or 0
        cache.set(key, total, 3600)
    return total


# The shared snapshot as this process last read it, until the moment it holds for all
# processes (wall-clock time: that moment is shared between processes).
_snapshots = Memo(seconds=0, max_entries=1, clock=time.time)


def snapshot(*, now: float | None = None) -> Snapshot:
    """The sidebar's figures, recomputed at most every ONLINE_COUNTER_READ_SECONDS for all processes.

    The first process to need them after they expire computes and stores them
    with their expiry time; every process then keeps that same snapshot until
    that same moment, so all of them show the same figures and most pages
    cost no round trip at all.
    """
    now = time.time() if now is None else now
    if (held := _snapshots.current(now=now)) is not None:
        return held[0]
    store = backend()
    cached = store.shared_get("snapshot")
    if cached is not None:
        data = json.loads(cached)
        until = data.pop("until")
        result = Snapshot(**data)
    else:
        guests, members = store.online(now=now)
        today, _unique = store.day(day_of(now))
        result = Snapshot(guests=guests, members=members, today=today, total=history_total() + today, at=now)
        until = now + settings.ONLINE_COUNTER_READ_SECONDS
        if settings.ONLINE_COUNTER_READ_SECONDS > 0:
            store.shared_set(
                "snapshot",
                json.dumps({**asdict(result), "until": until}),
                settings.ONLINE_COUNTER_READ_SECONDS,
            )
    if settings.ONLINE_COUNTER_READ_SECONDS > 0:
        _snapshots.keep(result, until=until)
    return result


def copy_day(*, day: datetime.date) -> None:
    """Copy one day's visits and unique visitors into DailyVisits (idempotent: it sets, never adds)."""
    from .models import DailyVisits

    visits, unique = backend().day(day.isoformat())
    if visits or unique:
        DailyVisits.objects.update_or_create(day=day, defaults={"visits": visits, "unique_visitors": unique})


def cookie_value(visitor: str, written_at: float) -> str:
    """The counter cookie: the visitor id and when it was last written, in milliseconds.

    Milliseconds, not seconds: a reader's page compares that time with the
    moment the shared figures were read (Reader.shown_in), often the same second.
    """
    return f"{visitor}.{int(written_at * 1000)}"


def parse_cookie(value: str) -> tuple[str | None, float | None]:
    """The visitor id and last-written time (seconds) in the counter cookie, or (None, None)."""
    visitor, _dot, seen = value.rpartition(".")
    if not visitor or not seen.isdigit() or len(visitor) > 40:
        return None, None
    written_at = float(seen)
    if written_at > 10**11:  # milliseconds (cookies written before were in seconds)
        written_at /= 1000
    return visitor, written_at


@dataclass(frozen=True)
class Reader:
    """This request's visitor as the counter knew them before the page: from the cookie.

    Made by the middleware before the page is rendered, so that the sidebar
    can count the reader in (shown_in) before the page is recorded after it.
    """

    visitor: str | None  # the id in the cookie
    last_seen: float | None  # when that id was last written, as the cookie says
    member: str | None  # the member id when signed in
    user_agent: str

    @classmethod
    def from_cookie(cls, value: str, *, member: str | None, user_agent: str) -> Reader:
        visitor, last_seen = parse_cookie(value)
        return cls(visitor=visitor, last_seen=last_seen, member=member, user_agent=user_agent)

    def _in(self, snapshot: Snapshot) -> bool:
        """Whether the cookie's id was online when the snapshot was read."""
        seen = self.last_seen
        return self.visitor is not None and seen is not None and snapshot.at - WINDOW < seen <= snapshot.at

    def shown_in(self, snapshot: Snapshot, *, now: float | None = None) -> Snapshot:
        """The figures as this reader should see them: with themself online, once.

        A reader the snapshot already counts, as what they are now, sees it
        as it is; otherwise they are added (and taken out of what they were:
        a guest who just signed in, a member who just signed out). A bot
        sees the figures without itself. A reader starting a new visit adds
        it to today's visits and the total.
        """
        now = time.time() if now is None else now
        counted = self._in(snapshot)
        was_member = self.visitor is not None and is_member_id(self.visitor)
        guests, members = snapshot.guests, snapshot.members
        if self.member is not None:
            if counted and self.visitor == self.member:
                return snapshot
            if counted and not was_member:
                guests -= 1
            members += 1
        else:
            if counted and not was_member:
                return snapshot
            if is_bot(self.user_agent):
                return snapshot
            if counted:
                members -= 1
            guests += 1
        # As the middleware will write it: a new id (signing in or out) starts a new visit.
        new_id = (
            self.visitor != self.member if self.member is not None else self.visitor is None or was_member
        )
        visits = 1 if new_id or self.last_seen is None or now - self.last_seen >= VISIT_GAP else 0
        return replace(
            snapshot,
            guests=max(guests, 0),
            members=max(members, 0),
            today=snapshot.today + visits,
            total=snapshot.total + visits,
        )
