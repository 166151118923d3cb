import datetime
import io
import re
import time

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from council.models import Article
from tests.factories import ArticleFactory, MeetingFactory

pytestmark = pytest.mark.django_db

NAVIGATION = [
    "Trang chủ",
    "Giới thiệu",
    "Thành viên",
    "Phiên họp",
    "Thỏa thuận hợp tác",
    "Tin tức",
    "Liên hệ",
]


def test_home_shows_the_vietnamese_shell(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    for label in NAVIGATION:
        assert f">{label}</a>" in page
    assert "Thống kê truy cập" in page
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page


def test_home_switches_to_english_by_its_address(client):
    switch = client.get(reverse("home")).content.decode()
    response = client.get("/en/")

    assert re.search(
        r'<a href="http://testserver/en/"\s+class="[^"]*"\s+hreflang="en"\s+lang="en">English</a>', switch
    )
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert ">News</a>" in response.content.decode()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_server_error_page_renders_without_a_request(rf):
    from council.errors import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "máy chủ đang gặp sự cố" in response.content.decode()


def test_hello_is_the_plainest_view(client):
    response = client.get(reverse("hello"))

    assert (response.status_code, response.content) == (200, b"hello")


def test_flat_pages_are_served_from_the_database(client, django_db_setup):
    from council.demo import site

    site.load()

    response = client.get(reverse("about"))

    assert response.status_code == 200
    assert "Giới thiệu" in response.content.decode()


def test_browser_language_does_not_override_vietnamese(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"


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


def test_article_page_has_sharing_and_open_graph(client):
    article = ArticleFactory(
        title="Các CIO miền Trung họp bàn", source_name="ICTNews", source_url="https://ictnews.vn/a"
    )

    page = client.get(article.get_absolute_url()).content.decode()

    assert '<meta property="og:title" content="Các CIO miền Trung họp bàn">' in page
    assert "facebook.com/sharer" in page and "zalo.me" in page and "data-copy-url=" in page
    assert '<a href="https://ictnews.vn/a" rel="noopener noreferrer">ICTNews</a>' in page
    assert "Danh sách bài viết mới" in page


def test_news_list_is_paginated(client, settings):
    settings.NEWS_PER_PAGE = 10
    for _ in range(12):
        ArticleFactory()

    first = client.get(reverse("news:list"))
    second = client.get(reverse("news:list"), {"page": 2})

    assert len(first.context["articles"]) == 10
    assert '<a class="page-link" href="?page=2">Trang sau</a>' in first.content.decode()
    assert len(second.context["articles"]) == 2


def test_home_page_queries_stay_the_same_with_ten_times_the_content(
    client, demo, django_assert_max_num_queries
):
    from django.core.cache import cache

    def home_queries() -> int:
        from council.shared import held

        cache.clear()  # the page cache is cold; thumbnails keep their own alias
        held.forget_everything()  # and what this process keeps: page shells, the poll, the counter
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


def test_robots_names_the_sitemap_and_keeps_out_of_the_admin(client):
    robots = client.get("/robots.txt").content.decode()

    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots
