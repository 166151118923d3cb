"""Site search across articles, meetings, documents, members and agreements.

What a match is, and what a query means, is decided in council.shared.textsearch:
whole words compared without case or diacritics, "phrases" and -exclusions.
On PostgreSQL each row's stored search vector (GIN-indexed, kept current on
save) answers, ranked by ts_rank with the title weighted highest; elsewhere
(SQLite, the embedded mode) text is folded in Python. Either way a row whose
title holds the whole query, words together and in order, ranks first.
Snippets are cut at word boundaries, escaped, and whole matching words (or
phrases) are wrapped in <mark>.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, F, IntegerField, Subquery, Value, When
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meetings.models import Agreement, Document, Meeting
from members.models import Member

from .models import Article
from .shared import doctext, shells, translated
from .shared.text import fold
from .shared.textsearch import CONFIG, Query, contains, matches, parse, words

SNIPPET = 220
# How much of a text is folded first when looking for the first match.
SNIPPET_HEAD = 600
MAX_RESULTS = 50
# Of one kind, at most this many matches (the newest) are ranked.
RANKED = 1000


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    title_match: bool = False
    detail: str = ""  # a document's meeting and the page where the words are
    lang: str = "vi"  # the language its title and snippet are shown in (Vietnamese where no English exists)


def _sources():
    """(kind label, queryset, model (its SEARCH_FIELDS), title, url, text for the snippet)."""
    return [
        (
            _("Tin tức"),
            # The province is one of the fields the SQLite fallback reads on each row.
            Article.objects.public().select_related("meeting__host_province"),
            Article,
            lambda a: a.title,
            lambda a: a.get_absolute_url(),
            lambda a: f"{a.summary} {strip_tags(a.body)}",
        ),
        (
            _("Phiên họp"),
            Meeting.objects.public().select_related("host_province"),
            Meeting,
            lambda m: m.title,
            lambda m: m.get_absolute_url(),
            lambda m: f"{m.summary} {m.body} {m.venue}",
        ),
        (
            _("Tài liệu"),
            Document.objects.public().select_related("meeting"),
            Document,
            lambda d: d.title,
            lambda d: d.get_absolute_url(),
            lambda d: f"{d.number} {d.title} – {d.meeting.title}",
            document_passage,
        ),
        (
            _("Thành viên"),
            Member.objects.select_related("organisation__province"),
            Member,
            lambda m: m.full_name,
            lambda m: m.get_absolute_url(),
            lambda m: f"{m.position} – {m.organisation.name if m.organisation else ''}",
        ),
        (
            _("Thỏa thuận hợp tác"),
            Agreement.objects.filter(published=True),
            Agreement,
            lambda a: a.title,
            lambda a: a.get_absolute_url(),
            lambda a: a.summary,
        ),
    ]


def cached_search(query: str) -> list[Hit]:
    """search(), kept in the cache until public content changes (or PAGE_SHELL_SECONDS pass).

    Keyed by the whole parsed query (every word, phrase and exclusion, in the
    order that decides the title match): two texts share an entry only when
    they ask the same question.
    """
    parsed = parse(query)
    if not parsed:
        return []
    digest = hashlib.sha256(parsed.key().encode()).hexdigest()
    key = f"search:{shells.content_version()}:{get_language()}:{digest}"
    hits = cache.get(key)
    if hits is None:
        hits = search(query)
        cache.set(key, hits, settings.PAGE_SHELL_SECONDS)
    return hits


def search(query: str) -> list[Hit]:
    """Every public thing matching `query` (see council.shared.textsearch), best first."""
    parsed = parse(query)
    if not parsed:
        return []
    hits = []
    for kind, queryset, model, title, url, text, *passage in _sources():
        rows = (
            _postgres(queryset, parsed)
            if connection.vendor == "postgresql"
            else _folded(queryset, model, parsed)
        )
        for row, rank, title_match in rows:
            detail, found = passage[0](row, parsed) if passage else ("", None)
            hits.append(
                Hit(
                    kind=str(kind),
                    title=title(row),
                    # A member's name, a document's title: Vietnamese, as are records without English.
                    lang=translated.shown_language(row, "title"),
                    url=url(row),
                    snippet=found or snippet(text(row), parsed),
                    rank=rank,
                    title_match=title_match,
                    detail=detail,
                )
            )
    hits.sort(key=lambda hit: (not hit.title_match, -hit.rank))
    return hits[:MAX_RESULTS]


def _tsquery(groups, *, weight: str = "") -> str:
    """A raw tsquery for word groups (each a word or a phrase); the words are [^\\W_]+, safe to quote."""
    suffix = f":{weight}" if weight else ""
    return " <-> ".join(f"'{word}'{suffix}" for group in groups for word in group)


def _postgres(queryset, query: Query):
    search_query = None
    for group in query.required:
        part = SearchQuery(_tsquery([group]), config=CONFIG, search_type="raw")
        search_query = part if search_query is None else search_query & part
    for group in query.excluded:
        search_query &= ~SearchQuery(_tsquery([group]), config=CONFIG, search_type="raw")
    # The whole query, words together and in order, in the title (weight A).
    in_title = SearchQuery(_tsquery([query.whole_phrase], weight="A"), config=CONFIG, search_type="raw")
    # Ranking reads every matching row's vector: when a word is everywhere, rank
    # the RANKED newest matches only (a visitor reads the first page anyway).
    newest = queryset.filter(search_vector=search_query).order_by("-pk").values("pk")[:RANKED]
    rows = (
        queryset.filter(pk__in=Subquery(newest))
        .defer("search_vector")  # read by the database only; large
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            title_match=Case(
                When(search_vector=in_title, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .order_by("-title_match", "-rank")[:MAX_RESULTS]
    )
    return [(row, float(row.rank), bool(row.title_match)) for row in rows]


PART_NAMES = {".pdf": _("trang %(n)d"), ".pptx": _("trang chiếu %(n)d"), ".xlsx": _("trang tính %(n)d")}


def document_passage(document: Document, query: Query) -> tuple[str, SafeString | None]:
    """A document hit's line (its meeting; the page where the words are, or why its text is not searched)
    and the passage of its text around them (None when they are only in its title)."""
    detail = [_("Phiên họp: %(title)s") % {"title": document.meeting.title}]
    Status = Document.TextStatus
    if document.text_status not in {Status.EXTRACTED, Status.PARTIAL, Status.PENDING}:
        detail.append(str(document.get_text_status_display()))
    parts = [words(part) for part in document.text.split(doctext.PART_BREAK)] if document.text else []
    # The first part that matches the whole query, else the first holding one of its words or phrases.
    best = next((i for i, part in enumerate(parts) if matches(part, query)), None)
    if best is None:
        best = next(
            (i for i, part in enumerate(parts) if any(contains(part, g) for g in query.required)), None
        )
    if best is None:
        return " · ".join(detail), None
    kind = PurePath(document.file.name).suffix.lower()
    if len(parts) > 1 or kind != ".docx":
        name = PART_NAMES.get(kind, _("phần %(n)d"))
        detail.append(str(name) % {"n": best + 1})
    return " · ".join(detail), snippet(document.text.split(doctext.PART_BREAK)[best], query)


def _folded(queryset, model, query: Query):
    # SQLite: few rows (the embedded mode), so fold in Python.
    rows = []
    for row in queryset[:2000]:
        haystack = words(" ".join(_value(row, f) for group in model.SEARCH_FIELDS.values() for f in group))
        if not matches(haystack, query):
            continue
        hits = sum(haystack.count(word) for group in query.required for word in group)
        titles = [words(_value(row, path)) for path in model.SEARCH_FIELDS["A"]]
        title_match = any(contains(title, query.whole_phrase) for title in titles)
        rows.append((row, hits / (len(haystack) + 1) * 100, title_match))
    return rows


def _value(row, path: str) -> str:
    for part in path.split("__"):
        row = getattr(row, part, "") if row is not None else ""
    return strip_tags(str(row or ""))


def _marks(query: Query) -> re.Pattern | None:
    """A pattern of the query's words and phrases, in folded text, whole words only (longest first)."""
    groups = sorted(query.marked, key=len, reverse=True)
    if not groups:
        return None
    alternatives = "|".join(r"[\W_]+".join(re.escape(word) for word in group) for group in groups)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def _in_word(text: str, position: int) -> bool:
    """True when `position` falls between two letters or digits of one word."""
    return 0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()


def snippet(text: str, query: Query) -> SafeString:
    """About SNIPPET characters around the first match, cut between words, escaped, with matches marked.

    A mark covers a whole word equal (folded) to a query word, or a whole
    phrase of the query where its words stand together (any spaces or
    punctuation between them); never part of a word. Only the start of a long
    text is folded unless the first match lies further on.
    """
    text = " ".join(html.unescape(strip_tags(text)).split())
    pattern = _marks(query)
    first, folded = None, fold(text[:SNIPPET_HEAD])
    if pattern is not None:
        first = pattern.search(folded)
        if first is not None and first.end() == SNIPPET_HEAD:
            first = None  # it may run on past the folded head: look again in the whole text
        if first is None and len(text) > SNIPPET_HEAD:
            folded = fold(text)
            first = pattern.search(folded)
    start = 0
    if first is not None and first.start() > SNIPPET // 3:
        start = first.start() - SNIPPET // 3
        while _in_word(text, start):
            start += 1
        while start < first.start() and not text[start].isalnum():
            start += 1
    end = len(text)
    if end - start > SNIPPET:
        end = start + SNIPPET
        while end > start and _in_word(text, end):
            end -= 1
        if end == start:  # one word longer than a snippet
            end = start + SNIPPET
        end = len(text[:end].rstrip())
    window = text[start:end]
    folded_window = folded[start:end] if end <= len(folded) else fold(window)
    out, position = [], 0
    for match in pattern.finditer(folded_window) if pattern is not None else ():
        out += [
            escape(window[position : match.start()]),
            "<mark>",
            escape(window[match.start() : match.end()]),
            "</mark>",
        ]
        position = match.end()
    out.append(escape(window[position:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # every piece of text above is escaped
