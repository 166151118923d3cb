"""The admin speaks Vietnamese to the secretariat, on every page it can reach.

The English strings looked for are not picked by hand: they are every msgid of Django's
admin and flat-pages catalogues (the English source strings), and every string of the
rich-text editor's bundle (what it passes to gettext, the tooltips of its menu buttons and
the names in its menus). The pages are not listed by hand either: for every model
registered in the admin that the secretariat may see, the list (with its filters and the
counts shown, and with each filter chosen), the add form, an object's change form, both
sent back with their required text emptied (forms with errors), its history, its delete
confirmation and the views the ModelAdmin adds; and the index, each app's index, the
password change and the login page.

The editor writes its menu in the browser, so its strings are checked in the catalogue
the admin sends to the browser (every one must be translated there); the browser test in
tests/e2e/test_admin_language.py looks at the menu itself.
"""

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
import django_prose_editor
import polib
import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse
from reversion.models import Version

from council.models import Article
from tests.factories import SecretariatFactory

DJANGO = Path(django.__file__).parent
CATALOGUES = [
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po",
    DJANGO / "contrib/flatpages/locale/en/LC_MESSAGES/django.po",
]
EDITOR_BUNDLE = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
# Strings that read the same in Vietnamese: names, abbreviations and punctuation.
SAME_IN_VIETNAMESE = {"URL", "ID", "HTML", "Email", "Django", "…", ", "}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


def english_msgids() -> list[str]:
    """Every English source string of the admin's and flat pages' catalogues."""
    strings = set()
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            strings.add(entry.msgid)
            if entry.msgid_plural:
                strings.add(entry.msgid_plural)
    return sorted(strings)


def editor_strings() -> list[str]:
    """The editor's own English: gettext calls, menu button tooltips, menu entries."""
    bundle = EDITOR_BUNDLE.read_text()
    gettext_alias = re.search(r"(\w+)=window\.gettext\|\|", bundle).group(1)
    found = set(re.findall(rf'\b{gettext_alias}\("([^"]+)"\)', bundle))
    found |= set(re.findall(r'\.material\("[a-z_]+","([^"]+)"\)', bundle))
    found |= {text for text in re.findall(r'textContent:"([^"]+)"', bundle) if text != "title"}
    found |= set(re.findall(r'\.text\("([A-Za-z][^"]+)"\)', bundle))
    found |= set(re.findall(r'</svg>`,"([^"]+)"\)', bundle))
    found |= {"heading 2", "heading 3", "heading 4", "Heading 2", "Heading 3", "Heading 4"}
    return sorted(found)


@cache
def english_patterns() -> list[tuple[str, str, re.Pattern]]:
    """A pattern per English string: placeholders match any short text, words match whole."""
    patterns = []
    for msgid in english_msgids():
        literal = PLACEHOLDER.sub("", msgid)
        if msgid in SAME_IN_VIETNAMESE or len(re.findall(r"[A-Za-z]", literal)) < 2:
            continue
        # Strings that carry markup are matched on their text, as the page shows it.
        text = re.sub(r"<[^>]+>", "", msgid)
        parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
        body = r".{0,200}?".join(parts).replace(r"\ ", r"\s+")
        # The longest literal piece, looked for first: most strings are not on most pages.
        longest = max(PLACEHOLDER.split(text), key=len).split()[0]
        patterns.append((msgid, longest, re.compile(rf"(?<![\w-]){body}(?![\w-])")))
    return patterns


class VisibleText(HTMLParser):
    """What a reader sees or hears: text, titles, labels, placeholders, button values."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
    # A text area holds what the secretariat wrote (English versions among it), not the admin's words.
    HIDDEN = {"script", "style", "template", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping, self.icon = [], 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.skipping += 1
        if "material-icons" in (attrs.get("class") or "").split() and self.icon is None:
            # An icon font: its text is the icon's name ("undo"), drawn as a picture.
            self.icon = tag
        self.parts += [attrs[name] for name in self.ATTRIBUTES if attrs.get(name)]
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.skipping:
            self.skipping -= 1
        if tag == self.icon:
            self.icon = None

    def handle_data(self, data):
        if not self.skipping and self.icon is None:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def english_in(html: str) -> list[str]:
    text = visible_text(html)
    return [msgid for msgid, word, pattern in english_patterns() if word in text and pattern.search(text)]


class FormValues(HTMLParser):
    """The values a browser would send back from the page's main form, as they stand."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self.select, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file", "checkbox"}:
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.data[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def form_values(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    return parser.data


# --- The walk -----------------------------------------------------------------------------


@pytest.fixture
def secretary_client(db, client):
    user = SecretariatFactory(username="to-giup-viec")
    client.force_login(user)
    client.user = user
    return client


def secretariat_models(user) -> list:
    """The registered models the secretariat may see, with one of their rows."""
    visible = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            visible.append((model, model_admin, model._default_manager.order_by("pk").first()))
    return visible


# The comparison of two versions needs two of them, chosen in the history, and the
# recovery form a deleted row: their words are checked by tests/council/test_versions.py.
STANDARD_SUFFIXES = ("changelist", "add", "change", "history", "delete", "autocomplete", "compare", "recover")


def admin_urls(model, model_admin, obj) -> list[tuple[str, str]]:
    """(what, URL) for each page of one model: lists, forms, history, delete confirmation,
    and the views its ModelAdmin adds (an import form, a preview...)."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    changelist = reverse(f"{info}_changelist")
    pages = [
        ("list", changelist),
        ("list with counts", changelist + "?_facets=1"),
        ("add", reverse(f"{info}_add")),
    ]
    if obj is not None:
        for what in ("change", "history", "delete"):
            pages.append((what, reverse(f"{info}_{what}", args=[obj.pk])))
    for pattern in model_admin.get_urls():
        name = getattr(pattern, "name", None)
        if not name or name.endswith(STANDARD_SUFFIXES) or not name.startswith(info[len("admin:") :]):
            continue
        url = reverse_own_view(name, obj)
        if url is not None:
            pages.append((name, url))
    return pages


def reverse_own_view(name: str, obj) -> str | None:
    """The URL of a ModelAdmin's own view: with no argument, the object's key, or a version of it
    (django-reversion's pages: a version of the object, or a version to recover)."""
    version = Version.objects.get_for_object(obj).first() if obj is not None else None
    candidates = [[]]
    if obj is not None:
        candidates.append([obj.pk])
    if version is not None:
        candidates += [[obj.pk, version.pk], [version.pk]]
    for args in candidates:
        try:
            return reverse(f"admin:{name}", args=args)
        except NoReverseMatch:
            continue
    return None


def filter_links(html: str) -> list[str]:
    """A link of each filter of a list's panel that chooses something (not "All")."""
    if 'id="changelist-filter"' not in html:
        return []
    panel = html.split('id="changelist-filter"', 1)[1].split("</search>", 1)[0]
    links = []
    # One choice of each filter: the panel's words are the same whichever is chosen.
    for group in re.split(r"<details ", panel)[1:]:
        choices = [link.replace("&amp;", "&") for link in re.findall(r'<a href="(\?[^"]*)"', group)]
        links += [link for link in choices if link not in {"?", "?_facets=1"}][-1:]
    return links


def with_errors(model, values: dict) -> dict:
    """A change form's values with every required text field emptied."""
    required = [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField)) and not field.blank and field.editable
    ]
    return {**values, **{name: "" for name in required if name in values}}


@pytest.mark.django_db
def test_every_admin_page_of_the_secretariat_is_in_vietnamese(secretary_client):
    call_command("load_demo", verbosity=0)
    # A first version of every row, so that the version pages have something to show.
    call_command("createinitialrevisions", verbosity=0)
    client = secretary_client
    models = secretariat_models(client.user)
    assert len(models) >= 10
    pages = [("index", reverse("admin:index")), ("password", reverse("admin:password_change"))]
    for app_label in sorted({model._meta.app_label for model, _admin, _obj in models}):
        pages.append((f"{app_label} index", reverse("admin:app_list", kwargs={"app_label": app_label})))
    for model, model_admin, obj in models:
        pages += [(f"{model._meta.label} {what}", url) for what, url in admin_urls(model, model_admin, obj)]

    english, walked = {}, 0

    def check(what: str, response) -> None:
        found = english_in(response.content.decode())
        if found:
            english[what] = found

    for what, url in pages:
        response = client.get(url)
        if response.status_code == 403:
            continue  # an action the ModelAdmin allows nobody (adding daily visits...)
        assert response.status_code == 200, (what, url, response.status_code)
        walked += 1
        check(f"{what} {url}", response)
        html = response.content.decode()
        if what.endswith(" list with counts"):
            # Each filter chosen in turn: the panel and the list as they then read.
            for link in filter_links(html):
                check(f"{what} {link}", client.get(url.split("?")[0] + link))
                walked += 1
        if what.endswith((" add", " change")):
            # The form sent back with its required text emptied: the errors, as shown.
            model = next(m for m, _a, _o in models if what.startswith(m._meta.label + " "))
            # (A form that fails with a server error is the round-trip test's business.)
            client.raise_request_exception = False
            sent = client.post(url, with_errors(model, form_values(html)))
            client.raise_request_exception = True
            if sent.status_code == 200:
                check(f"{what} with errors {url}", sent)

    # The login page, as anyone sees it, and after a wrong password.
    anonymous = Client()
    check("login", anonymous.get(reverse("admin:login")))
    check("login refused", anonymous.post(reverse("admin:login"), {"username": "x", "password": "y"}))
    assert walked >= 100
    assert english == {}

    # Word for word, the sentences the secretariat met in English.
    refused = client.post(reverse("admin:council_article_add"), {"title": ""}).content.decode()
    assert "Vui lòng sửa lỗi dưới đây." in refused
    assert "<title>Lỗi: " in refused
    article = Article.objects.order_by("pk").first()
    delete = client.get(reverse("admin:council_article_delete", args=[article.pk])).content.decode()
    assert f"Bạn có chắc muốn xóa bài viết “{article.title}”?" in visible_text(delete)
    history = client.get(reverse("admin:council_article_history", args=[article.pk])).content.decode()
    assert "Lịch sử" in visible_text(history)
    assert "Bản ghi nhớ" not in history


@pytest.mark.django_db
def test_the_editor_strings_are_in_the_admins_javascript_catalogue(secretary_client):
    """Every English string of the editor's bundle has a Vietnamese translation there."""
    response = secretary_client.get(reverse("admin:jsi18n"))
    catalogue = json.loads(
        re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1)
    )
    strings = editor_strings()
    assert len(strings) >= 50
    untranslated = [s for s in strings if s not in catalogue and not s.lower().startswith("heading ")]
    assert untranslated == []
    assert catalogue["heading %s"] == "Tiêu đề cấp %s"


def test_the_walk_would_see_english():
    """The matcher itself: Django's English on a page is found, Vietnamese is not."""
    assert english_in("<p>Please correct the error below.</p>") == ["Please correct the error below."]
    assert "Filter by %(field_name)s" in english_in('<a href="#" title="Filter by status">x</a>')
    assert english_in("<p>Vui lòng sửa lỗi dưới đây.</p><script>Run()</script>") == []
