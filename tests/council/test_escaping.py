"""Text written in the admin is text on the public site: markup in it is shown, never run.

Every CharField and TextField of every model of the site's apps (and of flat pages) is
filled with a value carrying a script, a refresh that would send visitors elsewhere and
an honest "<". The fields are found by walking the models, not listed by hand, so a
field added later is covered. Then every public page, the feeds and the search are read:
none may carry the markup as markup. Rich text (an article's body, a flat page's
content) is the one kind of field that is HTML: it must arrive sanitised, which the
same check proves (the script and the refresh are gone, the "<" is an entity).
"""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from django.db import models
from django.urls import URLResolver, get_resolver, reverse
from django.utils.html import escape

from council.models import Article
from meetings.models import Meeting
from members.models import Member

APPS = ["council", "members", "meetings", "polls", "flatpages"]
SCRIPT = "<script>alert(1)</script>"
REFRESH = '<meta http-equiv="refresh" content="0;url=https://example.com/">'
HONEST = "1 < 2"
# Text fields that are not text but addresses the site looks pages up by.
NOT_TEXT = {"flatpages.FlatPage.url", "flatpages.FlatPage.template_name"}
# What must never reach a page as markup.
RAW = ["<script>alert", '<meta http-equiv="refresh"']


def payload(field: models.Field, pk: int) -> str:
    """The hostile value for one field of one row: unique per row, within its max_length."""
    full = f"{pk} {SCRIPT}{REFRESH} {HONEST}"
    if field.max_length and len(full) > field.max_length:
        full = f"{pk} {SCRIPT} {HONEST}"[: field.max_length]
    return full


def text_fields(model) -> list[models.Field]:
    """The free-text fields of a model: CharField and TextField, not slugs, URLs, e-mails or choices."""
    skipped = (models.SlugField, models.URLField, models.EmailField)
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, skipped)
        and not field.choices
        and f"{model._meta.label}.{field.name}" not in NOT_TEXT
    ]


def poison_every_text_field() -> dict[str, int]:
    """Write the payload into every text field of every row; how many fields of each model."""
    touched = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            fields = text_fields(model)
            if not fields:
                continue
            touched[model._meta.label] = len(fields)
            for pk in model._default_manager.values_list("pk", flat=True):
                model._default_manager.filter(pk=pk).update(
                    **{field.name: payload(field, pk) for field in fields}
                )
    return touched


class _Title(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or tag == "title"

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "title"

    def handle_data(self, data):
        if self.inside:
            self.text += data


def page_title(body: str) -> str:
    parser = _Title()
    parser.feed(body)
    return re.sub(r"\s+", " ", parser.text).strip()


@pytest.fixture
def poisoned_site(db):
    call_command("load_demo", verbosity=0)
    touched = poison_every_text_field()
    # The walk covers the models that public pages show.
    for label in (
        "council.Article",
        "flatpages.FlatPage",
        "meetings.Meeting",
        "members.Member",
        "polls.Poll",
    ):
        assert touched[label] >= 1
    return touched


# Paths that are not public HTML pages: the admin, accounts, machine endpoints.
NOT_PUBLIC = ("/admin/", "/tai-khoan/", "/i18n/", "/healthz", "/bench/", "/robots.txt", "/sitemap.xml")


def pages_without_arguments(patterns=None, prefix="") -> list[str]:
    """Every URL of the site that takes no argument, found in the URL configuration."""
    urls = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            urls += pages_without_arguments(pattern.url_patterns, route)
        elif "<" not in route and "(" not in route:
            urls.append("/" + route.lstrip("^").rstrip("$"))
    return urls


def public_pages() -> list[str]:
    """Every public page: those without arguments, a search, and every row's own page."""
    pages = [url for url in pages_without_arguments() if not url.startswith(NOT_PUBLIC)]
    pages.append(reverse("search") + "?q=script")
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if not hasattr(model, "get_absolute_url"):
                continue
            rows = model._default_manager.all()
            rows = rows.public() if hasattr(rows, "public") else rows
            pages += [row.get_absolute_url() for row in rows]
    return list(dict.fromkeys(pages))


FEEDS = ["news:rss", "news:atom", "meetings_rss", "meetings_atom"]


@pytest.mark.django_db
def test_every_public_page_shows_staff_text_as_text(client, poisoned_site):
    pages = public_pages()
    for name in ("home", "news:list", "members:list", "meetings:list", "polls:list", "about", "news:rss"):
        assert reverse(name) in pages
    assert len(pages) >= 25
    problems = []
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            problems.append((url, response.status_code))
            continue
        if not response["Content-Type"].startswith(("text/html", "application/rss", "application/atom")):
            continue  # a document's file, a calendar: not markup
        body = response.content.decode()
        problems += [(url, raw) for raw in RAW if raw in body]
    assert problems == []


@pytest.mark.django_db
def test_titles_keep_their_honest_less_than_sign(client, poisoned_site):
    """The page <title> and the heading carry the whole title, "<" and all, as text."""
    page = FlatPage.objects.get(url="/gioi-thieu/")
    article = Article.objects.public().first()
    meeting = Meeting.objects.public().first()
    member = Member.objects.first()
    for url, title in [
        (reverse("about"), page.title),
        (article.get_absolute_url(), article.title),
        (meeting.get_absolute_url(), meeting.title),
        (member.get_absolute_url(), member.full_name),
    ]:
        body = client.get(url).content.decode()
        assert page_title(body).startswith(f"{title} – "), url
        assert escape(title) in body.split("</head>", 1)[1], url


@pytest.mark.django_db
def test_rich_text_is_sanitised_not_escaped(client, poisoned_site):
    """The article body and the flat page content are HTML: cleaned, the text around kept."""
    article = Article.objects.public().first()
    article_page = client.get(article.get_absolute_url()).content.decode()
    about = client.get(reverse("about")).content.decode()
    for body, pk in [(article_page, article.pk), (about, FlatPage.objects.get(url="/gioi-thieu/").pk)]:
        # The script goes with its content, the refresh goes, the "<" stays as an entity
        # (the spaces left around the script are one space once pasted text is tidied).
        assert re.search(rf"{pk}\s+1 &lt; 2", body), pk


@pytest.mark.django_db
@pytest.mark.parametrize("feed", FEEDS)
def test_feeds_carry_titles_as_text_and_descriptions_as_escaped_html(client, poisoned_site, feed):
    response = client.get(reverse(feed))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.iter(f"{atom}entry") if feed.endswith("atom") else root.iter("item")
    titles, descriptions = [], []
    for entry in entries:
        if feed.endswith("atom"):
            titles.append(entry.find(f"{atom}title"))
            descriptions.append(entry.find(f"{atom}summary"))
        else:
            titles.append(entry.find("title"))
            descriptions.append(entry.find("description"))
    assert titles
    for title in titles:
        # Plain text (Atom's default type="text"): the reader shows it as it is.
        assert title.get("type", "text") == "text"
        assert SCRIPT in title.text and HONEST in title.text
    for description in descriptions:
        if description is None or not description.text:
            continue
        # HTML to a reader: once decoded it must hold no markup of ours, only entities.
        assert not any(raw in description.text for raw in RAW), description.text
        assert f"{escape(SCRIPT)}{escape(REFRESH)} 1 &lt; 2" in description.text
