"""Site search across articles, meetings, documents, members and agreements.

Blind to case and Vietnamese diacritics: on PostgreSQL through full-text search
with the "vietnamese_unaccent" configuration (migration 0003), ranked by
ts_rank; elsewhere (SQLite, the embedded mode) by folding text in Python, ranked
by how many of the words match and how often. Snippets are escaped, then the
matching words are wrapped in <mark>.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meetings.models import Agreement, Document, Meeting
from members.models import Member

from . import doctext, shells
from .models import Article
from .text import fold

CONFIG = "vietnamese_unaccent"
SNIPPET = 220
MAX_RESULTS = 50


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    detail: str = ""  # a document's meeting and the page where the words are


def _sources():
    """(kind label, queryset, fields to search, title, url, text for the snippet)."""
    return [
        (
            _("Tin tức"),
            # The province is one of the fields the SQLite fallback reads on each row.
            Article.objects.public().select_related("meeting__host_province"),
            ["title", "summary", "body", "source_name", "meeting__host_province__name"],
            lambda a: a.title,
            lambda a: a.get_absolute_url(),
            lambda a: f"{a.summary} {strip_tags(a.body)}",
        ),
        (
            _("Phiên họp"),
            Meeting.objects.public().select_related("host_province"),
            ["title", "summary", "body", "venue", "host_province__name"],
            lambda m: m.title,
            lambda m: m.get_absolute_url(),
            lambda m: f"{m.summary} {m.body} {m.venue}",
        ),
        (
            _("Tài liệu"),
            Document.objects.public().select_related("meeting"),
            ["title", "number", "meeting__title", "text"],
            lambda d: d.title,
            lambda d: d.get_absolute_url(),
            lambda d: f"{d.number} {d.title} – {d.meeting.title}",
            document_passage,
        ),
        (
            _("Thành viên"),
            Member.objects.select_related("organisation__province"),
            ["full_name", "position", "organisation__name", "organisation__province__name"],
            lambda m: m.full_name,
            lambda m: m.get_absolute_url(),
            lambda m: f"{m.position} – {m.organisation.name if m.organisation else ''}",
        ),
        (
            _("Thỏa thuận hợp tác"),
            Agreement.objects.filter(published=True),
            ["title", "summary"],
            lambda a: a.title,
            lambda a: a.get_absolute_url(),
            lambda a: a.summary,
        ),
    ]


def terms(query: str) -> list[str]:
    return [t for t in re.split(r"\W+", fold(query)) if t][:10]


def cached_search(query: str) -> list[Hit]:
    """search(), kept in the cache until public content changes (or PAGE_SHELL_SECONDS pass).

    Keyed by the folded words, which decide both what matches (the full-text
    search ignores case and diacritics too) and what the snippets mark.
    """
    words = terms(query)
    if not words:
        return []
    digest = hashlib.sha256(" ".join(words).encode()).hexdigest()
    key = f"search:{shells.content_version()}:{get_language()}:{digest}"
    hits = cache.get(key)
    if hits is None:
        hits = search(query)
        cache.set(key, hits, settings.PAGE_SHELL_SECONDS)
    return hits


def search(query: str) -> list[Hit]:
    """Every public thing matching all the words of `query`, best first."""
    words = terms(query)
    if not words:
        return []
    hits = []
    for kind, queryset, fields, title, url, text, *passage in _sources():
        rows = (
            _postgres(queryset, fields, query)
            if connection.vendor == "postgresql"
            else _folded(queryset, fields, words)
        )
        for row, rank in rows:
            detail, found = passage[0](row, words) if passage else ("", None)
            hits.append(
                Hit(
                    kind=str(kind),
                    title=title(row),
                    url=url(row),
                    snippet=found or snippet(text(row), words),
                    rank=rank,
                    detail=detail,
                )
            )
    hits.sort(key=lambda hit: -hit.rank)
    return hits[:MAX_RESULTS]


def _postgres(queryset, fields, query):
    vector = SearchVector(
        *[Coalesce(F(f), Value(""), output_field=TextField()) for f in fields], config=CONFIG
    )
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    rows = (
        queryset.annotate(search=vector, rank=SearchRank(vector, search_query))
        .filter(search=search_query)
        .order_by("-rank")
        .distinct()[:MAX_RESULTS]
    )
    return [(row, float(row.rank)) for row in rows]


PART_NAMES = {".pdf": _("trang %(n)d"), ".pptx": _("trang chiếu %(n)d"), ".xlsx": _("trang tính %(n)d")}


def document_passage(document: Document, words: list[str]) -> tuple[str, SafeString | None]:
    """A document hit's line (its meeting; the page where the words are, or why its text is not searched)
    and the passage of its text around them (None when they are only in its title)."""
    detail = [_("Phiên họp: %(title)s") % {"title": document.meeting.title}]
    Status = Document.TextStatus
    if document.text_status not in {Status.EXTRACTED, Status.PARTIAL, Status.PENDING}:
        detail.append(str(document.get_text_status_display()))
    parts = [fold(part) for part in document.text.split(doctext.PART_BREAK)] if document.text else []
    # The first part holding every word, else the first holding one.
    best = next((i for i, part in enumerate(parts) if all(w in part for w in words)), None)
    if best is None:
        best = next((i for i, part in enumerate(parts) if any(w in part for w in words)), None)
    if best is None:
        return " · ".join(detail), None
    kind = PurePath(document.file.name).suffix.lower()
    if len(parts) > 1 or kind != ".docx":
        name = PART_NAMES.get(kind, _("phần %(n)d"))
        detail.append(str(name) % {"n": best + 1})
    return " · ".join(detail), snippet(document.text.split(doctext.PART_BREAK)[best], words)


def _folded(queryset, fields, words):
    # SQLite: few rows (the embedded mode), so fold in Python.
    rows = []
    for row in queryset[:2000]:
        haystack = fold(" ".join(str(_value(row, f)) for f in fields))
        if all(word in haystack for word in words):
            rows.append((row, sum(haystack.count(word) for word in words) / (len(haystack) + 1) * 100))
    return rows


def _value(row, path: str):
    for part in path.split("__"):
        row = getattr(row, part, "") if row is not None else ""
    return row or ""


def snippet(text: str, words: list[str]) -> SafeString:
    """About SNIPPET characters around the first match, escaped, with the words marked."""
    text = " ".join(html.unescape(strip_tags(text)).split())
    folded = fold(text)
    first = min([folded.find(w) for w in words if folded.find(w) >= 0] or [0])
    start = max(first - SNIPPET // 3, 0)
    piece, folded_piece = text[start : start + SNIPPET], folded[start : start + SNIPPET]
    spans = []
    for word in words:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(word), folded_piece)]
    out, position = [], 0
    for begin, end in sorted(spans):
        if begin < position:
            continue
        out += [escape(piece[position:begin]), "<mark>", escape(piece[begin:end]), "</mark>"]
        position = end
    out.append(escape(piece[position:]))
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # every piece of text above is escaped
