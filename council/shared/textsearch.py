"""Diacritic-blind word search: what a word is, what a query means, the stored vectors.

A leaf module (imports no app): the searchable models of every app keep their
search vector current through it, and council.search queries it.

What a match is. A *word* is a run of letters and digits (a Vietnamese
syllable: the language writes each syllable apart), compared after folding
(lower case, no diacritics, "đ" as "d"). A query word matches a text word when
the two folded words are EQUAL: "do" matches "do", "đó", "đồ" and "độ" (the
search is blind to diacritics, so these are one word to it), never the "đồ" at
the start of "đồng" ("dong" is another word); "hoa" matches "Hòa", never
"Hoàng". Both databases answer the same question: the stored text is the
folded words joined by spaces, so PostgreSQL's parser sees the words Python saw.

What a query means (a subset of the web search syntax):
- plain words must all appear, anywhere;
- "quoted words" must appear together, in that order;
- -word or -"quoted words" must not appear;
- a token with inner punctuation ("e-government", "08/HĐCNTT") is a phrase
  of its words.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Value
from django.utils.html import strip_tags

from .changes import ChangeAnnouncingQuerySet
from .text import fold

CONFIG = "vietnamese_unaccent"
MAX_WORDS = 10
WORD = re.compile(r"[^\W_]+")
# A quoted phrase (maybe negated), or a bare token (maybe negated).
TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return WORD.findall(fold(text))


def index_text(text: str) -> str:
    """What is stored for `text`: its folded words, one space apart (HTML tags dropped)."""
    return " ".join(words(strip_tags(text or "")))


@dataclass(frozen=True)
class Query:
    """A parsed search query; equal queries give equal answers, so it is the cache key."""

    required: tuple[tuple[str, ...], ...] = field(default=())  # words (one) or phrases (several)
    excluded: tuple[tuple[str, ...], ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.required)

    @property
    def marked(self) -> tuple[tuple[str, ...], ...]:
        """What the snippets mark: the required words and phrases."""
        return self.required

    @property
    def whole_phrase(self) -> tuple[str, ...]:
        """Every required word in the order typed: a title holding it ranks first."""
        return tuple(word for group in self.required for word in group)

    def key(self) -> str:
        """A canonical text of the query (every part that changes the answer)."""
        required = "+".join(" ".join(group) for group in self.required)
        excluded = "+".join(" ".join(group) for group in self.excluded)
        return f"r={required}|x={excluded}"


def parse(text: str) -> Query:
    """The Query that `text` asks; at most MAX_WORDS words are kept."""
    required, excluded, count = [], [], 0
    for match in TOKEN.finditer(text):
        negated = bool(match.group(1) or match.group(3))
        group = tuple(words(match.group(2) if match.group(2) is not None else match.group(4)))
        if not group or count + len(group) > MAX_WORDS:
            continue
        count += len(group)
        target = excluded if negated else required
        if group not in target:
            target.append(group)
    return Query(required=tuple(required), excluded=tuple(excluded))


def contains(haystack: list[str], group: tuple[str, ...]) -> bool:
    """True when the words of `group` appear in `haystack` together and in order."""
    if len(group) == 1:
        return group[0] in haystack
    size = len(group)
    return any(tuple(haystack[i : i + size]) == group for i in range(len(haystack) - size + 1))


def matches(haystack: list[str], query: Query) -> bool:
    """The Python form of the question (SQLite, tests): `haystack` is a list of folded words."""
    return all(contains(haystack, g) for g in query.required) and not any(
        contains(haystack, g) for g in query.excluded
    )


# The stored vector -------------------------------------------------------------


def vector_field() -> SearchVectorField:
    return SearchVectorField(null=True, editable=False)


def _path_value(row, path: str) -> str:
    for part in path.split("__"):
        row = getattr(row, part, None) if row is not None else None
    return "" if row is None else str(row)


def _vector(texts: dict[str, str]):
    vector = None
    for weight, text in texts.items():
        part = SearchVector(Value(text), config=CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return vector


def refresh_search_vectors(queryset, search_fields: dict[str, list[str]] | None = None) -> int:
    """Store the search vector of every row of `queryset` from its SEARCH_FIELDS.

    SEARCH_FIELDS on the model maps weights ("A" the title, then "B", "C") to
    field paths, which may follow foreign keys (a member's province). One
    UPDATE per row; nothing happens on databases other than PostgreSQL (the
    SQLite fallback folds text when it searches). Returns the rows updated.
    Migrations pass `search_fields` (their historical models have no SEARCH_FIELDS).
    """
    if connection.vendor != "postgresql":
        return 0
    model = queryset.model
    search_fields = search_fields or model.SEARCH_FIELDS
    paths = [path for group in search_fields.values() for path in group]
    related = sorted({path.rsplit("__", 1)[0] for path in paths if "__" in path})
    count = 0
    rows = queryset.select_related(*related) if related else queryset
    for row in rows.order_by().iterator(chunk_size=500):
        texts = {
            weight: index_text(" ".join(_path_value(row, path) for path in group))
            for weight, group in search_fields.items()
        }
        # The base manager: an update must reach rows a default manager may hide.
        count += model._base_manager.filter(pk=row.pk).update(search_vector=_vector(texts))
    return count


def _touches(model, names) -> bool:
    """True when changing the fields `names` changes the model's search vector (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return False
    searched = {path.split("__", 1)[0] for group in model.SEARCH_FIELDS.values() for path in group}
    # A translated field is searched through its languages' columns (`title_vi`, `title_en`):
    # a write that names the field itself (`update(title=...)`) touches them.
    languages = {code for code, _name in settings.LANGUAGES}
    searched |= {head for head, _, code in (name.rpartition("_") for name in searched) if code in languages}
    return bool(searched & {name.removesuffix("_id") for name in names})


class SearchIndexedQuerySet(ChangeAnnouncingQuerySet):
    """Keeps search vectors current on the bulk paths (update, bulk_create, bulk_update).

    Built on ChangeAnnouncingQuerySet: those paths announce the change too.
    """

    def update(self, **kwargs):
        if "search_vector" in kwargs or not _touches(self.model, kwargs):
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        refresh_search_vectors(self.model._base_manager.filter(pk__in=pks))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if connection.vendor == "postgresql":
            pks = [obj.pk for obj in created if obj.pk]
            refresh_search_vectors(self.model._base_manager.filter(pk__in=pks))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        count = super().bulk_update(objs, fields, *args, **kwargs)
        if _touches(self.model, fields):
            refresh_search_vectors(self.model._base_manager.filter(pk__in=[o.pk for o in objs]))
        return count


class SearchIndexed(models.Model):
    """A model whose `search_vector` follows its SEARCH_FIELDS on every save."""

    SEARCH_FIELDS: dict[str, list[str]] = {}

    search_vector = vector_field()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or _touches(type(self), update_fields):
            refresh_search_vectors(type(self)._base_manager.filter(pk=self.pk))


def _citing_paths(model, target) -> set[str]:
    """The relation paths of `model`'s SEARCH_FIELDS that pass through `target` ("meeting__host_province")."""
    found = set()
    for group in model.SEARCH_FIELDS.values():
        for path in group:
            parts, current = path.split("__"), model
            for index, part in enumerate(parts[:-1]):
                current = current._meta.get_field(part).related_model
                if current is target:
                    found.add("__".join(parts[: index + 1]))
    return found


def refresh_citing_search_vectors(instance) -> int:
    """Refresh the vectors of other rows that hold some of `instance`'s text.

    A document's vector holds its meeting's title, an article's its meeting's
    host province, a member's its organisation and province: after such a row
    is edited, its citing rows are brought up to date. Found through the app
    registry, so the owning app needs to know nothing of who cites it. Returns
    the rows updated (none on SQLite).
    """
    if connection.vendor != "postgresql":
        return 0
    from django.apps import apps

    target, count = instance._meta.concrete_model, 0
    for model in apps.get_models():
        if issubclass(model, SearchIndexed):
            for path in _citing_paths(model, target):
                count += refresh_search_vectors(model._base_manager.filter(**{path: instance}))
    return count


def index_and_fill(app_label: str, model_name: str, search_fields: dict[str, list[str]]):
    """A migration operation: on PostgreSQL, a GIN index on the model's vector, then every vector filled.

    The index is PostgreSQL's own (SQLite has no GIN), so it lives here rather
    than in the model's Meta; reversing drops it.
    """
    from django.db import migrations

    def index_name(model) -> str:
        return f"{model._meta.db_table}_search_gin"

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name(model))} "
            f"ON {quote(model._meta.db_table)} USING gin ({quote('search_vector')})"
        )
        refresh_search_vectors(model._base_manager.all(), search_fields)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            model = apps.get_model(app_label, model_name)
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(model))}")

    return migrations.RunPython(forward, backward)
