"""What the poll block keeps: in Django's cache (Redis in production) and in each process's memos.

Only what is the same for every visitor is kept: the featured poll with its
choices, the rendered results fragment of a poll in each language, and the
rendered blocks (with a marker where the CSRF token goes). Nothing here
carries a CSRF token or anything about the visitor.

Everything here is keyed on the content version (council.shared.shells), so
an edit of a poll or its choices, however made, reaches it on the site's one
invalidation path. A vote cast has a path of its own, the poll's results
version: a random token replaced after the vote commits (see
council.shared.shells.CREATED_ON_THEIR_OWN_PATH). The fragment is stored
with the versions it was rendered under and used only while they are
current. A reader that read the version before a vote committed may still
store a fragment counted before it, but under the old version, which nobody
accepts any more: no window in which a stale count passes for the current
one. Reading both keys is one round trip (get_many).
"""

import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from types import SimpleNamespace

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext

from council.shared import shells
from council.shared.held import Memo
from council.shared.shells import squeeze

from .models import Choice, Poll
from .results import Results, Row

FEATURED_KEY = "polls:featured:{version}"
FEATURED_TIMEOUT = 600
# Read on every page: each process keeps them a moment (council.shared.held). A vote
# shows at once in the process that took it, within a second elsewhere.
_held_featured = Memo(seconds=2.0, max_entries=4)
_held_results = Memo(seconds=1.0, max_entries=200)
_held_pages = Memo(seconds=2.0, max_entries=100)  # polls by slug, for their own pages
RESULTS_VERSION_KEY = "polls:results-version:{poll_id}"
RESULTS_FRAGMENT_KEY = "polls:results:{poll_id}:{language}"
RESULTS_FRAGMENT_TIMEOUT = 3600
RESULTS_TEMPLATE = "polls/_poll_results.html"


def featured_poll() -> tuple[Poll | None, Results | None]:
    """The poll shown in the sidebar (whatever its dates) with its choices.

    The second item is the poll's results when they were counted just now,
    in the same query that loaded the poll (a cold cache); otherwise None.
    """
    version = shells.content_version()
    if (held := _held_featured.current(version)) is not None:
        return held[0], None
    key = FEATURED_KEY.format(version=version)
    cached = cache.get(key)
    if cached is not None:
        return _held_featured.keep(cached[0], version), None
    poll, counted = _load_featured()
    # A one-item list, so that "no featured poll" is cached too.
    cache.set(key, [poll], FEATURED_TIMEOUT)
    return _held_featured.keep(poll, version), counted


def _load_featured() -> tuple[Poll | None, Results | None]:
    """The featured poll, its choices and their vote counts: one query (two if it has no choice)."""
    choices = list(Choice.objects.filter(poll__featured=True).select_related("poll").with_vote_counts())
    if not choices:
        return Poll.objects.filter(featured=True).prefetch_related("choices").first(), None
    poll = choices[0].poll
    for choice in choices:
        choice.poll = poll  # one Poll object, not a copy per row
    # What prefetch_related("choices") would have stored, without its second query.
    poll._prefetched_objects_cache = {"choices": choices}
    return poll, Results.from_choices(choices)


def poll_for_page(slug: str) -> Poll | None:
    """The started poll with this slug and its choices, held a moment in this process."""
    key = (shells.content_version(), slug)
    if (held := _held_pages.current(key)) is not None:
        return held[0]
    poll = Poll.objects.started().prefetch_related("choices").filter(slug=slug).first()
    return _held_pages.keep(poll, key)


@functools.cache
def _template_digest() -> str:
    """A fingerprint of the results template: a deploy that changes it never serves old markup."""
    return hashlib.sha256(get_template(RESULTS_TEMPLATE).template.source.encode()).hexdigest()[:12]


def results_fragment(
    poll_id: int, results: Callable[[], Results], *, counted_before: Results | None = None
) -> str:
    """The poll's results rendered in the active language: from the cache if current.

    `results()` is called (one aggregate query) only when the cached fragment
    is missing or stale. `counted_before` are results counted before this
    call; they are used only if this call starts the poll's first version:
    a vote committed after they were counted either set the version first
    (so this call finds it and counts afresh) or sets it after (so what is
    stored here is already stale and nobody serves it).
    """
    language, content = get_language(), shells.content_version()
    held_key = (poll_id, language, content)
    if (held := _held_results.current(held_key)) is not None:
        return held[0]
    version_key = RESULTS_VERSION_KEY.format(poll_id=poll_id)
    fragment_key = RESULTS_FRAGMENT_KEY.format(poll_id=poll_id, language=language)
    found = cache.get_many([version_key, fragment_key])
    version, cached = found.get(version_key), found.get(fragment_key)
    started_here = False
    if version is None:
        version = secrets.token_hex(8)
        started_here = cache.add(version_key, version, timeout=None)
        if not started_here:
            version = cache.get(version_key) or version  # another process started it first
    stamp = f"{version}:{content}:{_template_digest()}"
    if cached is not None and cached[0] == stamp:
        # Our own template's output, stored as it was rendered.
        return _held_results.keep(mark_safe(cached[1]), held_key)
    counted = counted_before if started_here and counted_before is not None else results()
    html = render_results(counted)
    cache.set(fragment_key, (stamp, str(html)), RESULTS_FRAGMENT_TIMEOUT)
    return _held_results.keep(html, held_key)


# --- The results fragment's shape, rendered once per poll's choices ---------------
# A vote changes only the numbers in the fragment, and every vote's answer shows
# fresh ones: rendering the template for each (some 0.2 ms, a tenth of a vote's
# CPU) is done once per choices and language instead, with stand-ins where the
# numbers go, and the numbers of the moment are put in their places.

# Letters and digits only, so escaping leaves a stand-in as it is; secret, so no
# choice's text can hold one.
_NUMBER_PREFIX = f"pollnumber{secrets.token_hex(8)}"
_NUMBER_SLOT = re.compile(rf"{_NUMBER_PREFIX}-(\w+)-(\d*)-")
_results_shapes = Memo(seconds=3600, max_entries=200)


def render_results(results: Results) -> str:
    """The results fragment for these counts, in the active language (its shape kept, not its numbers)."""
    language = get_language()
    key = (language, tuple((row.choice_id, row.text) for row in results.rows))
    if (kept := _results_shapes.current(key)) is not None:
        shape = kept[0]
    else:
        shape = _results_shapes.keep(_render_shape(results.rows), key)
    pieces = list(shape)
    for index in range(1, len(pieces), 2):
        pieces[index] = _number(results, *pieces[index])
    return mark_safe("".join(pieces))


def _slot(name: str, row: int | str = "") -> str:
    return f"{_NUMBER_PREFIX}-{name}-{row}-"


def _render_shape(rows: tuple[Row, ...]) -> tuple[str | tuple[str, int | None], ...]:
    """The template rendered with stand-ins for the numbers, cut into text, (number, row), text, ..."""
    stand_in = SimpleNamespace(
        rows=[
            SimpleNamespace(text=row.text, votes_label=_slot("votes", i), percent=_slot("percent", i))
            for i, row in enumerate(rows)
        ],
        total=_slot("total"),
    )
    html = squeeze(render_to_string(RESULTS_TEMPLATE, {"results": stand_in}))
    pieces: list = []
    last = 0
    for match in _NUMBER_SLOT.finditer(html):
        name, row = match.groups()
        pieces += [html[last : match.start()], (name, int(row) if row else None)]
        last = match.end()
    pieces.append(html[last:])
    return tuple(pieces)


def _number(results: Results, name: str, row: int | None) -> str:
    """A stand-in's text: what the template said of these numbers before it was cut."""
    if name == "total":
        return localize(results.total)
    if name == "percent":
        return str(results.rows[row].percent)
    votes = results.rows[row].votes
    return escape(ngettext("%(counter)s phiếu", "%(counter)s phiếu", votes) % {"counter": localize(votes)})


def forget_results(poll_id: int) -> None:
    """Make every cached rendering of this poll's results stale: the path of votes cast (call on commit)."""
    cache.set(RESULTS_VERSION_KEY.format(poll_id=poll_id), secrets.token_hex(8), timeout=None)
    _held_results.forget_all()


# --- The sidebar block, rendered once per state ---------------------------------
# Rendering the poll block costs more than the rest of a page's sidebar. What
# it shows depends on the poll, the language, the page it is on and the
# visitor's state (may vote, voted for this choice, must log in), never on
# who the visitor is beyond that, except for the CSRF token in the voting
# form. So it is rendered once per state into this process's memory
# with markers where the results and the token go, and the results of the
# moment and each visitor's own token are put in on the way out (a vote
# changes the results, not the rest of the block). The kept text never holds
# a token.

SIDEBAR_TEMPLATE = "polls/_sidebar_block.html"
PAGE_TEMPLATE = "polls/_page_block.html"
BODY_TEMPLATE = "polls/_poll_body.html"  # the block's inside: what a vote's answer replaces
# Where the results fragment goes in a kept block: secret, so no content can hold it.
RESULTS_MARKER = f"<!--poll-results-{secrets.token_hex(8)}-->"
# A vote's answer links back to the page it came from (its "next" field): a longer
# address is answered but not kept, so forged ones cannot fill the memo with large keys.
MAX_KEPT_PATH = 300
# Rendered blocks, kept in this process: the key holds everything they show.
_blocks = Memo(seconds=3600, max_entries=300)


def _poll_fingerprint(poll: Poll) -> str:
    """A digest of everything about the poll that the block shows (an edit makes a new one).

    Worked out once per Poll object: the sidebar's poll is held and reused.
    """
    if (known := getattr(poll, "_sidebar_fingerprint", None)) is not None:
        return known
    choices = tuple((choice.pk, choice.text) for choice in poll.choices.all())
    shown = (poll.pk, poll.question, poll.slug, poll.audience, poll.results_shown)
    poll._sidebar_fingerprint = hashlib.sha256(
        repr((shown, poll.opens_at, poll.closes_at, choices)).encode()
    ).hexdigest()
    return poll._sidebar_fingerprint


def sidebar_block(panel, *, request, on_its_page: bool, csrf_token=None) -> str:
    """The poll block of the sidebar for this visitor, rendered once per state and kept."""
    return _block(SIDEBAR_TEMPLATE, panel, request=request, on_its_page=on_its_page, csrf_token=csrf_token)


def page_block(panel, *, request, csrf_token=None) -> str:
    """The poll on its own page (form or vote, and full results), rendered once per state and kept."""
    return _block(PAGE_TEMPLATE, panel, request=request, on_its_page=True, csrf_token=csrf_token)


def answer_block(panel, *, request, notice: str, notice_level: str, next_url: str) -> str:
    """The poll block sent back to a vote sent with fetch(): the outcome said above the poll."""
    return _block(
        BODY_TEMPLATE,
        panel,
        request=request,
        on_its_page=panel.place == "page",
        csrf_token=None,
        here=next_url,
        notice=(notice, notice_level),
    )


def _block(
    template: str,
    panel,
    *,
    request,
    on_its_page: bool,
    csrf_token,
    here: str | None = None,
    notice: tuple[str, str] | None = None,
) -> str:
    state: tuple = ("none", on_its_page)
    results = ""
    if panel is not None:
        if panel.shows_results:
            results = str(panel.results_html)
        state = (
            _poll_fingerprint(panel.poll),
            panel.place,
            panel.can_vote,
            panel.my_choice_id,
            panel.needs_login,
            panel.poll.is_open,
            panel.poll.is_closed,
            panel.shows_results,
        )
    if here is None:
        # The page's path as its shell knows it: a parameter no page reads makes no new block.
        here = shells.page_path(request) if request is not None else ""
    key = (template, state, here, get_language(), notice)
    if (kept := _blocks.current(key)) is not None:
        html = kept[0]
    else:
        notice_text, notice_level = notice or ("", "")
        context = {
            "panel": panel,
            "request": request,
            "on_its_page": on_its_page,
            "next_url": here,
            "notice": notice_text,
            "notice_level": notice_level,
            "csrf_token": shells.TOKEN_MARKER,
            "results_html": mark_safe(RESULTS_MARKER),
        }
        html = squeeze(str(render_to_string(template, context)))
        if len(here) <= MAX_KEPT_PATH:
            _blocks.keep(html, key)
    # The results go in on the way out: a vote changes them, not the rest of the block.
    html = html.replace(RESULTS_MARKER, results)
    if shells.TOKEN_MARKER in html and request is not None:
        # The page's own token when it has one: masked once per page, not per form.
        html = html.replace(shells.TOKEN_MARKER, str(csrf_token or get_token(request)))
    return mark_safe(html)  # our own templates' output; the token is letters and digits
