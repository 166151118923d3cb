"""English content under /en/: English where the secretariat wrote it, else the Vietnamese with a note;
the language chosen by the address alone; hreflang links both ways on every public page."""

import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.utils import translation
from django.utils.html import escape

from council import search
from council.models import Article
from meetings.models import Agreement, Meeting
from tests.factories import ArticleFactory
from tests.test_query_counts import MEETING_2017, in_english, public_pages

pytestmark = pytest.mark.django_db

NOTE = "This item has no English version yet; shown in Vietnamese."
NOT_HTML = ("rss/", "atom/", ".ics", ".xml", ".txt")


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return " ".join(response.content.decode().split())


def test_the_demo_meeting_agreement_article_and_about_page_are_in_english(client, demo):
    meeting = Meeting.objects.get(slug=MEETING_2017)
    agreement = Agreement.objects.get(meeting=meeting)
    article = Article.objects.exclude(title_en="").get()

    shown = {
        path: page(client, path)
        for path in [
            "/en/gioi-thieu/",
            f"/en/phien-hop/{MEETING_2017}/",
            f"/en{agreement.get_absolute_url()}",
        ]
    } | {"article": page(client, f"/en{article.get_absolute_url()}")}

    assert '<h1 class="h3 mb-3">About the council</h1>' in shown["/en/gioi-thieu/"]
    assert f'<h1 class="h3 mb-2">{escape(meeting.title_en)}</h1>' in shown[f"/en/phien-hop/{MEETING_2017}/"]
    assert f'<p class="lead">{escape(meeting.summary_en)}</p>' in shown[f"/en/phien-hop/{MEETING_2017}/"]
    # The meeting's account is not translated: marked Vietnamese.
    assert '<div lang="vi"><p>Tham dự phiên họp' in shown[f"/en/phien-hop/{MEETING_2017}/"]
    assert (
        f'<h1 class="h3 mb-3">{escape(agreement.title_en)}</h1>'
        in shown[f"/en{agreement.get_absolute_url()}"]
    )
    assert f'<h1 class="h3 mb-2">{escape(article.title_en)}</h1>' in shown["article"]
    assert '<div class="article-body"><p>On 12 August 2017, in Quảng Bình' in shown["article"]
    for html in shown.values():
        assert '<html lang="en">' in html
        assert NOTE not in html


def test_a_record_without_english_shows_the_vietnamese_marked_and_a_note(client, demo):
    article = Article.objects.filter(title_en="").get()
    charter = FlatPage.objects.get(url="/quy-che-hoat-dong/")

    shown = page(client, f"/en{article.get_absolute_url()}")
    charter_page = page(client, "/en/quy-che-hoat-dong/")
    vietnamese = page(client, article.get_absolute_url())

    assert f'<h1 class="h3 mb-2" lang="vi">{escape(article.title)}</h1>' in shown
    assert NOTE in shown
    assert '<div class="article-body" lang="vi"><p>' in shown
    assert f'<h1 class="h3 mb-3" lang="vi">{escape(charter.title)}</h1>' in charter_page
    assert NOTE in charter_page
    # In Vietnamese nothing is marked and nothing is noted.
    assert f'<h1 class="h3 mb-2">{escape(article.title)}</h1>' in vietnamese
    assert "untranslated-note" not in vietnamese


def test_an_english_title_without_an_english_body_shows_the_vietnamese_body_with_the_note(client):
    article = ArticleFactory(title="Tin", title_en="News item", body="<p>Nội dung</p>")

    shown = page(client, f"/en{article.get_absolute_url()}")

    assert '<h1 class="h3 mb-2">News item</h1>' in shown
    assert '<div class="article-body" lang="vi"><p>Nội dung</p></div>' in shown
    assert NOTE in shown


# The page counts its own visit: a stored count of 0 shows as 1.
@pytest.mark.parametrize("count, shown", [(0, "1 view"), (1, "2 views"), (1233, "1,234 views")])
def test_view_counts_read_as_english(client, count, shown):
    article = ArticleFactory(title_en="News item", view_count=count)

    assert re.search(rf"·\s+{shown}\s", page(client, f"/en{article.get_absolute_url()}"))


def test_lists_mark_the_titles_shown_in_vietnamese(client, demo):
    news = page(client, "/en/tin-tuc/")

    english, vietnamese = Article.objects.exclude(title_en=""), Article.objects.filter(title_en="")
    assert f">{escape(english.get().title_en)}</a>" in news
    assert re.search(rf'lang="vi">{re.escape(escape(vietnamese.get().title))}</a>', news)


@pytest.mark.parametrize("path", ["/", "/tin-tuc/"])
def test_the_language_is_the_address_never_a_cookie_or_the_browser(client, path):
    client.cookies["django_language"] = "en"

    response = client.get(path, headers={"accept-language": "en-GB,en;q=0.9"})

    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"
    assert client.get(in_english(path))["Content-Language"] == "en"


def test_every_public_page_links_its_other_language_both_ways(client, demo):
    for path in [p for p in public_pages() if not p.endswith(NOT_HTML)]:
        english = in_english(path)
        links = {
            f'<link rel="alternate" hreflang="vi" href="http://testserver{path}">',
            f'<link rel="alternate" hreflang="en" href="http://testserver{english}">',
            f'<link rel="alternate" hreflang="x-default" href="http://testserver{path}">',
        }
        for address in (path, english):
            html = page(client, address)
            assert {link for link in links if link in html} == links, address
        # The switch goes to the same page in the other language.
        assert f'<a href="http://testserver{english}" class="btn' in page(client, path), path
        assert f'<a href="http://testserver{path}" class="btn' in page(client, english), path


def test_the_sitemap_lists_both_languages(client, demo):
    sitemap = client.get("/sitemap.xml").content.decode()

    assert f":8000/phien-hop/{MEETING_2017}/</loc>" in sitemap
    assert f":8000/en/phien-hop/{MEETING_2017}/</loc>" in sitemap
    assert 'hreflang="en"' in sitemap


def test_search_in_english_finds_the_english_versions(client):
    ArticleFactory(title="Thành phố thông minh", title_en="Smart cities in the region", summary="Tóm tắt")

    with translation.override("en"):
        english = [hit.title for hit in search.search("smart cities")]
    vietnamese = [hit.title for hit in search.search("smart cities")]
    page_en = page(client, "/en/tim-kiem/?q=smart+cities")

    assert english == ["Smart cities in the region"]
    assert vietnamese == ["Thành phố thông minh"]  # found by its English words, titled in Vietnamese
    assert "Smart cities in the region" in page_en
    assert [hit.title for hit in search.search("thanh pho thong minh")] == ["Thành phố thông minh"]


def test_english_search_marks_what_it_shows_in_vietnamese(client):
    ArticleFactory(title="Thành phố thông minh", title_en="Smart cities in the region", summary="Tóm tắt")
    ArticleFactory(title="Đô thị thông minh ở Huế", summary="Chỉ có tiếng Việt")

    shown = page(client, "/en/tim-kiem/?q=thong+minh")

    assert ">Smart cities in the region</a>" in shown
    assert 'lang="vi">Đô thị thông minh ở Huế</a>' in shown
    assert 'lang="vi">Smart cities' not in shown
    assert 'lang="vi"' not in page(client, "/tim-kiem/?q=thong+minh").split("<main")[1]


@pytest.fixture
def written_page():
    """A page the secretariat wrote in the admin, beyond About, Charter and Contact."""
    from django.contrib.sites.models import Site

    written = FlatPage.objects.create(
        url="/tai-lieu-hoi-dong/",
        title="Tài liệu Hội đồng",
        title_en="Council documents",
        content="<p>Danh mục tài liệu.</p>",
        content_en="<p>The list of documents.</p>",
    )
    written.sites.add(Site.objects.get_current())
    return written


def test_any_page_the_secretariat_writes_has_its_english_address(client, written_page):
    vietnamese = page(client, "/tai-lieu-hoi-dong/")
    english = page(client, "/en/tai-lieu-hoi-dong/")

    assert "Danh mục tài liệu." in vietnamese
    assert "The list of documents." in english and "Council documents" in english
    for shown in (vietnamese, english):
        assert 'hreflang="vi" href="http://testserver/tai-lieu-hoi-dong/"' in shown
        assert 'hreflang="en" href="http://testserver/en/tai-lieu-hoi-dong/"' in shown
    assert client.get("/tai-lieu-hoi-dong").status_code == 301  # the slash added, as before
    assert client.get("/en/khong-co-trang-nay/").status_code == 404


def test_the_sitemap_lists_written_pages_in_both_languages(client, written_page):
    sitemap = client.get("/sitemap.xml").content.decode()

    assert re.search(r"<loc>https?://[^/]+/tai-lieu-hoi-dong/</loc>", sitemap)
    assert re.search(r"<loc>https?://[^/]+/en/tai-lieu-hoi-dong/</loc>", sitemap)
