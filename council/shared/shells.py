"""Page shells: a public page rendered once, with each visitor's own parts left as holes.

A public page is the same for every visitor but for a few parts: the CSRF
token in its forms, the CSP nonce on its scripts, a member's account links,
the flash messages, the poll block and the visit counter. Templates include
the parts with `{% per_visitor "template.html" %}`. A view with
`ShellCachedMixin` renders its page once with those parts left as holes and
the token and the nonce as markers (the shell), keeps the shell in this
process's memory (a council.shared.held.Memo), and answers every request by
rendering only the holes into it and putting this response's token and nonce
in place of the markers: the view's queries and the page's template run only
when the shell is missing or out of date.

The contract: a shell holds nothing about a visitor (no token, no nonce, no
name, nothing of the query string but the parameters the view declares);
tests/council/test_shell_contract.py renders every shell-cached view of the
URL configuration for a guest and two members and checks it.

A shell is keyed by the path, the query parameters its view declares
(`shell_params`; any other parameter is ignored, and hidden from the view
while the shell is rendered), the host, the language, whether the visitor is
logged in, and the content version, which every change of something shown on
public pages replaces (`content_changed`, the one receiver of every save,
delete and bulk write; other processes see a new version within a second).
A shell also expires after PAGE_SHELL_SECONDS, which bounds what no write
announces (a scheduled article's time coming).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template import Context
from django.template.context_processors import csrf
from django.template.loader import get_template
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import breaker
from .cache import redis_failing
from .held import Memo

VERSION_KEY = "shells:content-version"
RECORDING = "recording_shell"  # context variable: per_visitor leaves a marker instead of rendering

# A random part per process: no text on a page can forge a hole.
_SECRET = secrets.token_hex(8)
# What a shell holds in place of the CSRF token and the CSP nonce: letters and
# digits, which HTML escaping leaves alone, like the values they stand for.
# (Other parts rendered once for many visitors use TOKEN_MARKER too.)
TOKEN_MARKER = f"csrf{_SECRET}token"
_NONCE = f"nonce{_SECRET}value"
_SLOT = re.compile(rf"<!--hole:{_SECRET}:([\w./-]+)-->|{TOKEN_MARKER}|{_NONCE}")
_INDENTATION = re.compile(r"\n\s+")

# Models whose rows appear on no public page: their changes leave the shells alone.
NOT_SHOWN = {
    "polls.VoterLink",
    "polls.Tally",  # written by the database with each vote: on the votes' own path
    "meetings.Delivery",
    "meetings.Notice",
    "council.DailyVisits",
    "members.User",
}
# Rows whose creation is announced on a path of their own: a vote cast gives its poll's
# results a new version (polls.caching), which no shell holds. Editing or deleting votes
# (the admin) changes the archive's totals: that is a change of content like any other.
CREATED_ON_THEIR_OWN_PATH = {"polls.Vote"}
SHOWN_APPS = {"council", "meetings", "members", "polls", "flatpages"}


def hole(template_name: str) -> SafeString:
    return mark_safe(f"<!--hole:{_SECRET}:{template_name}-->")


def squeeze(html: str) -> str:
    """HTML without its indentation (a newline stays where there was one), unless it has preformatted text."""
    if "<pre" in html or "<textarea" in html:
        return html
    return _INDENTATION.sub("\n", html)


def carve(page: str) -> tuple[bytes | str, ...]:
    """A page rendered for its shell, cut into text and slots: text, slot, text, ..., text.

    A slot (at the odd places) is a hole's template name or a marker. The
    text is squeezed first: the templates are indented for people, and every
    request would otherwise send that whitespace again. It is kept encoded
    (UTF-8), as it is sent: a request encodes only what it puts in the slots,
    not the whole page again (some 15 microseconds for a meeting's 20 kB).
    """
    page = squeeze(page)
    pieces: list[bytes | str] = []
    last = 0
    for match in _SLOT.finditer(page):
        pieces += [page[last : match.start()].encode(), match.group(1) or match.group(0)]
        last = match.end()
    pieces.append(page[last:].encode())
    return tuple(pieces)


def as_text(shell: tuple[bytes | str, ...]) -> str:
    """A kept shell as one string, its slots as they stand (for tests and debugging)."""
    return "".join(piece.decode() if isinstance(piece, bytes) else piece for piece in shell)


def fill(shell: tuple[bytes | str, ...], request: HttpRequest) -> bytes:
    """The page for this request, encoded: its holes rendered, its token and nonce put in."""
    page = list(shell)
    slots = range(1, len(page), 2)
    token = get_token(request) if TOKEN_MARKER in shell else None  # masked once for all the page's forms
    nonce = str(get_nonce(request)) if _NONCE in shell else None
    holes = []
    for index in slots:
        if page[index] == TOKEN_MARKER:
            page[index] = token.encode()
        elif page[index] == _NONCE:
            page[index] = nonce.encode()
        else:
            holes.append((index, get_template(page[index]).template))
    if holes:
        context = _visitor_context(request, token)
        for index, template in holes:
            with context.push():
                page[index] = template.render(context).encode()
    return b"".join(page)


def _visitor_context(request: HttpRequest, token: str | None) -> Context:
    """What a hole may use: what every request has, and nothing of the view's.

    Built directly rather than by the context processors: a page served from
    its shell takes well under a millisecond, and running them all for each
    request would be a good part of it.
    """
    return Context(
        {
            "request": request,
            "user": request.user,
            "csrf_token": token or csrf(request)["csrf_token"],
            "csp_nonce": get_nonce(request),
            "messages": get_messages(request),
        }
    )


_version = Memo(seconds=1.0)
# The shells themselves, each some 10 to 20 kB; their keys hold the content version.
_kept = Memo(seconds=60, max_entries=500)


# Saves made in this process while Redis was unreachable (see content_version).
_local_saves = 0


def content_version() -> str:
    """Changes whenever something shown on public pages is saved (see content_changed).

    While Redis is unreachable no process can learn of another's saves, so
    the version is this process's own and changes every second (and at once
    with a save made here): pages are rendered from the database again every
    second, which is as soon as a save elsewhere shows when Redis is well
    (each process holds the shared version for a second, `_version`).
    """
    if (held := _version.current()) is not None:
        return held[0]
    version = _read_content_version()
    if redis_failing():
        return f"local:{_local_saves}:{int(time.monotonic())}"
    return _version.keep(version)


def _read_content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


@breaker.redis.on_recovery
def _forget_shells() -> None:
    """Redis is back: shells kept from before it failed may predate saves made since."""
    _version.forget()
    _kept.forget_all()


def shell_query(request: HttpRequest, params: tuple[str, ...]) -> str:
    """The query string of the parameters a page reads, normalised: sorted, trimmed, empty ones dropped.

    A parameter given twice counts with its last value, as QueryDict.get() reads it.
    """
    pairs = sorted((name, request.GET[name].strip()) for name in params if name in request.GET)
    return urlencode([(name, value) for name, value in pairs if value])


def page_path(request: HttpRequest) -> str:
    """The page's path as its shell knows it (what a hole may key on): declared parameters only."""
    return getattr(request, "shell_path", None) or request.get_full_path()


def key_for(request: HttpRequest, query: str) -> tuple:
    """A shell's key; `query` is the page's declared parameters (shell_query)."""
    visitor = "member" if request.user.is_authenticated else "guest"  # see per_visitor(guests_alike=)
    # The host too: absolute links (sharing, Open Graph) are built from it.
    return (content_version(), get_language(), visitor, request.get_host(), request.path, query)


def content_changed(sender, *, created: bool = False, action: str = "", **kwargs) -> None:
    """The one receiver of changes (post_save, post_delete, m2m_changed, council.shared.changes.rows_changed).

    A change of a model shown on public pages gives the content a new
    version: every shell, and every cached value keyed on the version, is
    then out of date.
    """
    label = sender._meta.label
    if sender._meta.app_label not in SHOWN_APPS or label in NOT_SHOWN or action.startswith("pre_"):
        return
    if created and label in CREATED_ON_THEIR_OWN_PATH:
        return
    _new_content_version()
    # And again after commit: a request served between the save and the
    # commit would otherwise store the old content under the new version.
    transaction.on_commit(_new_content_version)


def _new_content_version() -> None:
    global _local_saves
    _local_saves += 1
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    _version.forget()


class ShellCachedMixin:
    """Serve GET from the page's shell when it is current; otherwise render it and keep it.

    Only for pages whose template shows nothing about the visitor outside
    `per_visitor` parts. `shell_params` names the query parameters the page
    reads (pagination's "page", search's "q"): the shell is kept per value of
    those, and while it is rendered the view sees no other parameter. A view
    whose GET has a side effect does it again in served_from_shell(), from
    what shell_note() kept.
    """

    shell_params: tuple[str, ...] = ()
    # False in a subclass that never serves from shells (a staff preview, council.shared.preview).
    shell_cached = True

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        query = shell_query(request, self.shell_params)
        key = key_for(request, query)
        request.shell_path = f"{request.path}?{query}" if query else request.path
        if (kept := _kept.current(key)) is not None:
            shell, note = kept[0]
            self.served_from_shell(request, note)
            return HttpResponse(fill(shell, request))
        with _only_declared_parameters(request, query):
            response = super().get(request, *args, **kwargs)
            if response.status_code == 200 and hasattr(response, "render") and not response.is_rendered:
                response.context_data.update(
                    {RECORDING: True, "csrf_token": TOKEN_MARKER, "csp_nonce": _NONCE}
                )
                shell = carve(response.render().content.decode())
                _kept.keep((shell, self.shell_note()), key, seconds=settings.PAGE_SHELL_SECONDS)
            else:
                shell = None
        if shell is not None:
            response.content = fill(shell, request)
        return response

    def shell_note(self):
        """What a request served from the shell will need to know of this render (kept beside it)."""
        return None

    def served_from_shell(self, request: HttpRequest, note) -> None:
        """The view's own work for a request served from the shell (counting a view, say)."""


@contextlib.contextmanager
def _only_declared_parameters(request: HttpRequest, query: str):
    """While a shell is rendered, the request's query string is the shell's own (`shell_query`).

    So nothing else of it (a visitor's ?utm_source=..., ?email=...) can reach
    a shell that other visitors are served, through the view or the template
    (the language form's "next", say).
    """
    saved = request.GET, request.META.get("QUERY_STRING", "")
    request.GET, request.META["QUERY_STRING"] = QueryDict(query), query
    try:
        yield
    finally:
        request.GET, request.META["QUERY_STRING"] = saved
