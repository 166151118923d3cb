import datetime
import io
import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from council import article_views, search
from council.models import Article
from council.shared import held
from council.shared.permissions import SECRETARIAT_GROUP
from council.shared.text import fold, vietnamese_slug
from tests.factories import ArticleFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_fold_and_slug_drop_vietnamese_diacritics():
    assert fold("LÀO CAI, Đắk Lắk") == "lao cai, dak lak"
    assert len(fold("Hội đồng")) == len("Hội đồng")
    assert vietnamese_slug("Họp Hội đồng Giám đốc CNTT") == "hop-hoi-dong-giam-doc-cntt"


def test_scheduled_article_appears_only_after_its_time(client, settings):
    # No save announces that a publish time came: a cached page shell shows
    # the article within PAGE_SHELL_SECONDS.
    settings.PAGE_SHELL_SECONDS = 1
    later = ArticleFactory(title="Tin hẹn giờ", published_at=timezone.now() + datetime.timedelta(hours=2))
    draft = ArticleFactory(title="Tin nháp", status=Article.Status.DRAFT)

    assert client.get(later.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Tin hẹn giờ" not in client.get(reverse("news:list")).content.decode()

    Article.objects.filter(pk=later.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))

    assert client.get(later.get_absolute_url()).status_code == 200
    time.sleep(1.1)
    assert "Tin hẹn giờ" in client.get(reverse("news:list")).content.decode()


def test_admin_saves_an_article_clean(client):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    client.force_login(user)
    now = timezone.localtime()

    client.post(
        reverse("admin:council_article_add"),
        {
            "title": "Tin có mã độc",
            "slug": "tin-co-ma-doc",
            "body": '<p>Nội dung<script>alert(1)</script></p><img src="/x.png" onerror="alert(2)">',
            "status": "published",
            "cover_framing": "noop",
            "published_at_0": now.strftime("%d/%m/%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert Article.objects.get().body == '<p>Nội dung</p><img src="/x.png">'


def test_article_page_has_sharing_and_open_graph(client):
    article = ArticleFactory(
        title="Các CIO miền Trung họp bàn", source_name="ICTNews", source_url="https://ictnews.vn/a"
    )

    page = client.get(article.get_absolute_url()).content.decode()

    assert '<meta property="og:title" content="Các CIO miền Trung họp bàn">' in page
    assert "facebook.com/sharer" in page and "zalo.me" in page and "data-copy-url=" in page
    assert '<a href="https://ictnews.vn/a" rel="noopener noreferrer">ICTNews</a>' in page
    assert "Danh sách bài viết mới" in page


def test_views_are_counted_once_per_visitor_per_day_and_flushed_in_batches(client, django_assert_num_queries):
    article = ArticleFactory()
    for _ in range(3):
        client.get(article.get_absolute_url(), headers={"user-agent": "Trình duyệt A"})
    client.get(article.get_absolute_url(), headers={"user-agent": "Trình duyệt B"})
    article.refresh_from_db()
    stored_before = article.view_count

    assert article_views.pending(article.pk) == 2
    assert article_views.flush_views() == 2
    assert article_views.flush_views() == 0
    article.refresh_from_db()
    assert (stored_before, article.view_count) == (0, 2)
    held.forget_everything()  # the page shows the count of its shell's render: render it again
    assert "2 lượt xem" in client.get(article.get_absolute_url()).content.decode()


def test_feeds_parse_back(client):
    ArticleFactory(title="Tin thứ nhất")
    MeetingFactory(title="Phiên họp năm 2026")

    rss = ET.fromstring(client.get(reverse("news:rss")).content)
    atom = ET.fromstring(client.get(reverse("news:atom")).content)
    meetings = ET.fromstring(client.get(reverse("meetings_rss")).content)

    assert [e.text for e in rss.iter("title")][1:] == ["Tin thứ nhất"]
    assert [e.text for e in atom.iter("{http://www.w3.org/2005/Atom}title")][1:] == ["Tin thứ nhất"]
    assert [e.text for e in meetings.iter("title")][1:] == ["Phiên họp năm 2026"]


def test_sitemap_and_robots(client):
    article = ArticleFactory()

    sitemap = client.get("/sitemap.xml").content.decode()
    robots = client.get("/robots.txt").content.decode()

    assert article.get_absolute_url() in sitemap
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("query", ["lao cai", "LÀO CAI", "Lào Cai"])
def test_search_ignores_case_and_diacritics(query):
    ArticleFactory(title="Tin Lào Cai", body="<p>Hội nghị tại Lào Cai</p>")
    ArticleFactory(title="Tin Gia Lai", body="<p>Pleiku</p>")

    assert [hit.title for hit in search.search(query)] == ["Tin Lào Cai"]


def test_search_marks_the_words_in_an_escaped_snippet():
    ArticleFactory(title="Tin", summary="Họp 5 < 6 tại Quảng Bình", body="")

    (hit,) = search.search("quang binh")

    assert str(hit.snippet) == "Họp 5 &lt; 6 tại <mark>Quảng</mark> <mark>Bình</mark>"


def test_demo_search_finds_the_2017_meeting_and_articles(client, demo):
    for query in ["quang binh", "hội đồng giám đốc"]:
        response = client.get(reverse("search"), {"q": query})
        titles = [hit.title for hit in response.context["hits"]]
        assert "Phiên họp Hội đồng Giám đốc CNTT khu vực miền Trung – Tây Nguyên năm 2017" in titles
        assert "Các CIO miền Trung họp bàn về thành phố thông minh" in titles
        assert any(title.startswith("Họp Hội đồng Giám đốc công nghệ thông tin") for title in titles)


@pytest.mark.postgres
def test_postgres_search_uses_the_unaccent_configuration(demo):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('vietnamese_unaccent', 'Lào Cai Đắk Lắk')::text")
        assert cursor.fetchone()[0] == "'cai':2 'dak':3 'lak':4 'lao':1"
    assert search.search("quang binh")[0].rank > 0


def test_home_page_queries_stay_the_same_with_ten_times_the_content(
    client, demo, django_assert_max_num_queries
):
    from django.core.cache import cache

    def home_queries() -> int:
        from council import counter
        from council.shared import held

        cache.clear()  # the page cache is cold; thumbnails keep their own alias
        held.forget_everything()  # and what this process keeps: page shells, the poll
        counter._held = None
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    client.get("/")  # the photos' thumbnails are made once, on the first view
    before = home_queries()
    for _ in range(20):
        ArticleFactory()
        MeetingFactory()

    assert home_queries() == before
    # On a cold cache: 4 for the page's own content (the next and the last meeting,
    # the last one's photos, articles, agreements), 1 for the poll in the sidebar
    # (with its choices and counts) and 1 for the visit history.
    assert before == 6


def test_related_news_on_the_meeting_page(client):
    meeting = MeetingFactory()
    ArticleFactory(title="Tin về phiên họp", meeting=meeting)

    assert "Tin về phiên họp" in client.get(meeting.get_absolute_url()).content.decode()


def test_news_list_is_paginated(client, settings):
    settings.NEWS_PER_PAGE = 10
    for _ in range(12):
        ArticleFactory()

    first = client.get(reverse("news:list"))
    second = client.get(reverse("news:list"), {"page": 2})

    assert len(first.context["articles"]) == 10
    assert '<a class="page-link" href="?page=2">Trang sau</a>' in first.content.decode()
    assert len(second.context["articles"]) == 2


def test_search_results_are_kept_until_public_content_changes(client, django_assert_num_queries):
    ArticleFactory(title="Chuyển đổi số tỉnh Quảng Bình")
    first = client.get("/tim-kiem/", {"q": "quang binh"}).content.decode()

    with django_assert_num_queries(0):
        again = client.get("/tim-kiem/", {"q": "QUẢNG BÌNH"}).content.decode()  # the same words, folded
    ArticleFactory(title="Quảng Bình đăng cai phiên họp")
    after_a_save = client.get("/tim-kiem/", {"q": "quang binh"}).content.decode()

    assert "Chuyển đổi số" in first and "Chuyển đổi số" in again
    assert "đăng cai" not in first
    assert "đăng cai" in after_a_save


def wide_cover() -> SimpleUploadedFile:
    """A 16:9 picture whose outer tenths are green (left) and blue (right), red between."""
    image = Image.new("RGB", (1600, 900), (200, 10, 10))
    image.paste((10, 160, 10), (0, 0, 160, 900))
    image.paste((10, 10, 200), (1440, 0, 1600, 900))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("rong.png", buffer.getvalue(), content_type="image/png")


def rendition(html: str, *, alt: str) -> tuple[int, int, Image.Image]:
    """Width, height and pixels of the first <img> with this alt text in `html`."""
    tag = re.search(rf'<img src="([^"]+)"\s+width="(\d+)"\s+height="(\d+)"\s+alt="{alt}"', html)
    with default_storage.open(tag[1].removeprefix(settings.MEDIA_URL)) as file:
        pixels = Image.open(file).convert("RGB")
        pixels.load()
    return int(tag[2]), int(tag[3]), pixels


def test_cover_keeps_the_whole_picture_by_default(client):
    article = ArticleFactory(cover=wide_cover(), cover_caption="Toàn cảnh")

    width, height, pixels = rendition(
        client.get(article.get_absolute_url()).content.decode(), alt="Toàn cảnh"
    )

    assert (article.cover_framing, width, height) == ("noop", 800, 450)
    assert pixels.getpixel((2, 225))[1] > 120  # the green left edge is there
    assert pixels.getpixel((797, 225))[2] > 120  # and the blue right edge


def test_cover_is_cropped_to_3_2_only_when_the_editor_asks(client):
    article = ArticleFactory(cover=wide_cover(), cover_caption="Cắt", cover_framing=Article.CoverFraming.LEFT)

    width, height, pixels = rendition(client.get(article.get_absolute_url()).content.decode(), alt="Cắt")

    assert (width, height) == (800, 533)
    assert pixels.getpixel((2, 266))[1] > 120  # kept the left side
    assert pixels.getpixel((797, 266))[0] > 120  # the blue right side is cut off
