"""Page shells: a public page rendered once, with each visitor's own parts left as holes.

A public page is the same for every visitor but for a few parts: the CSRF
token in its forms, the CSP nonce on its scripts, the account links, the
flash messages, the poll block and the visit counter. Templates include
those parts with `{% per_visitor "template.html" %}`. A view with
`ShellCachedMixin` renders its page once with those parts left as markers
(the shell), keeps the shell in this process's fragment cache, and answers
every request by rendering only the holes into it: the view's queries and
the page's template run only when the shell is missing or out of date.

The shell never holds a token, a nonce or anything about a visitor. It is
keyed by the path with its query string, the language and the content
version, which every committed save of something shown on public pages
changes (see `content_changed`; other processes see a new version within a
second, council.held); it also expires after PAGE_SHELL_SECONDS,
which bounds what no save announces (a scheduled article's time coming, a
bulk update).
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.context import make_context
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .held import Held

VERSION_KEY = "shells:content-version"
RECORDING = "recording_shell"  # context variable: per_visitor leaves a marker instead of rendering

# A random part per process: no text on a page can forge a hole.
_SECRET = secrets.token_hex(8)
_HOLE = re.compile(rf"<!--hole:{_SECRET}:([\w./-]+)-->")

# Models whose rows appear on no public page: their saves leave the shells alone.
NOT_SHOWN = {
    "polls.Vote",
    "meetings.Delivery",
    "meetings.Notice",
    "council.DailyVisits",
    "members.User",
}
SHOWN_APPS = {"council", "meetings", "members", "polls", "flatpages"}


def hole(template_name: str) -> SafeString:
    return mark_safe(f"<!--hole:{_SECRET}:{template_name}-->")


def fill(shell: str, request: HttpRequest) -> str:
    """The shell with this visitor's parts rendered into its holes."""
    parts = _HOLE.split(shell)
    # split() alternates text and captured template names.
    templates = [get_template(name).template for name in parts[1::2]]
    if not templates:
        return shell
    # One context for every hole: the context processors run once, and the
    # lazy csrf_token is masked once for all the page's forms.
    context = make_context({}, request)
    with context.bind_template(templates[0]):
        for index, template in zip(range(1, len(parts), 2), templates, strict=True):
            with context.push():
                parts[index] = template.render(context)
    return "".join(parts)


_version = Held(seconds=1.0)


def _content_version() -> str:
    if (held := _version.current()) is not None:
        return held[0]
    return _version.keep(_read_content_version())


def _read_content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return version


def key_for(request: HttpRequest) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"shells:{_content_version()}:{get_language()}:{path}"


def content_changed(sender, **kwargs) -> None:
    """Signal receiver: a model shown on public pages was saved or deleted."""
    label = sender._meta.label
    if sender._meta.app_label in SHOWN_APPS and label not in NOT_SHOWN:
        forget_all()
        # And again after commit: a request served between the save and the
        # commit would otherwise store the old content under the new version.
        transaction.on_commit(forget_all)


def forget_all() -> None:
    cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    _version.forget()


class ShellCachedMixin:
    """Serve GET from the page's shell when it is current; otherwise render it and keep it.

    Only for pages whose template shows nothing about the visitor outside
    `per_visitor` parts, and whose view has no side effect on GET.
    """

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        fragments = caches["fragments"]
        key = key_for(request)
        shell = fragments.get(key)
        if shell is not None:
            return HttpResponse(fill(shell, request))
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "render") and not response.is_rendered:
            response.context_data[RECORDING] = True
            shell = response.render().content.decode()
            fragments.set(key, shell, settings.PAGE_SHELL_SECONDS)
            response.content = fill(shell, request)
        return response
