"""Public-portal conventions: feeds announced everywhere, a site map, update dates, the accessibility statement."""

import datetime
import re

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from council.models import PageDates
from meetings.models import Meeting
from tests.admin_forms import version_token
from tests.factories import ArticleFactory, CategoryFactory, MeetingFactory
from tests.test_query_counts import public_pages

pytestmark = pytest.mark.django_db

FEEDS = [
    '<link rel="alternate" type="application/rss+xml" title="Tin tức (RSS)" href="/tin-tuc/rss/">',
    '<link rel="alternate" type="application/atom+xml" title="Tin tức (Atom)" href="/tin-tuc/atom/">',
    '<link rel="alternate" type="application/rss+xml" title="Phiên họp (RSS)" href="/phien-hop/rss/">',
    '<link rel="alternate" type="application/atom+xml" title="Phiên họp (Atom)" href="/phien-hop/atom/">',
]


def one_line(html: str) -> str:
    return " ".join(html.split())


def test_every_public_page_announces_the_feeds(client):
    call_command("load_demo", verbosity=0)
    html_pages = [
        path for path in public_pages() if not path.endswith(("rss/", "atom/", ".ics", ".xml", ".txt"))
    ]

    for path in html_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        page = one_line(response.content.decode())
        assert [feed in page for feed in FEEDS] == [True] * 4, path
        assert 'href="/so-do-trang/">Sơ đồ trang</a>' in page, path
        assert 'href="/kha-nang-tiep-can/">Khả năng tiếp cận</a>' in page, path


def test_site_map_lists_every_section_and_the_meetings_by_year(client):
    MeetingFactory(title="Phiên họp năm 2017", slug="phien-hop-2017", year=2017)
    MeetingFactory(title="Phiên họp năm 2019", slug="phien-hop-2019", year=2019)
    MeetingFactory(title="Bản nháp 2020", slug="nhap-2020", year=2020, status=Meeting.Status.DRAFT)
    CategoryFactory(name="Tin hoạt động", slug="tin-hoat-dong")

    page = one_line(client.get(reverse("site_map")).content.decode())

    for url in [
        "/",
        "/gioi-thieu/",
        "/quy-che-hoat-dong/",
        "/thanh-vien/",
        "/thanh-vien/nguyen-thanh-vien/",
        "/tin-tuc/",
        "/tin-tuc/chuyen-muc/tin-hoat-dong/",
        "/binh-chon/",
        "/tim-kiem/",
        "/lien-he/",
        "/gop-y/",
        "/hoi-dap/",
        "/kha-nang-tiep-can/",
        "/phien-hop/",
        "/phien-hop/kien-nghi/",
        "/thoa-thuan-hop-tac/",
        "/phien-hop/lich.ics",
    ]:
        assert f'<a href="{url}">' in page, url
    assert (
        '<h3 class="h6">Năm 2019</h3> <ul> <li> <a href="/phien-hop/phien-hop-2019/">Phiên họp năm 2019</a> </li> </ul>'
        ' <h3 class="h6">Năm 2017</h3> <ul> <li> <a href="/phien-hop/phien-hop-2017/">Phiên họp năm 2017</a>'
    ) in page
    assert "Bản nháp 2020" not in page


def test_site_map_xml_lists_the_new_sections(client):
    xml = client.get("/sitemap.xml").content.decode()

    for path in ["/gop-y/", "/hoi-dap/", "/so-do-trang/", "/kha-nang-tiep-can/"]:
        assert f"{path}</loc>" in xml, path


def test_meeting_and_article_show_when_they_were_last_updated(client):
    when = timezone.make_aware(datetime.datetime(2026, 12, 5, 9, 30))
    meeting = MeetingFactory()
    article = ArticleFactory()
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=when)
    type(article).objects.filter(pk=article.pk).update(updated_at=when)

    for url in [meeting.get_absolute_url(), article.get_absolute_url()]:
        page = one_line(client.get(url).content.decode())
        assert (
            'Cập nhật lần cuối: <time datetime="2026-12-05T09:30:00+07:00">09:30, 05/12/2026</time>' in page
        ), url


def test_council_page_shows_when_it_was_last_changed_in_the_admin(admin_client, client):
    page = FlatPage.objects.create(url="/gioi-thieu/", title="Giới thiệu", content="<p>Cũ</p>")
    page.sites.add(Site.objects.get_current())
    assert "Cập nhật lần cuối" not in client.get("/gioi-thieu/").content.decode()

    url = reverse("admin:flatpages_flatpage_change", args=[page.pk])
    response = admin_client.post(
        url,
        {
            **version_token(admin_client, url),
            "url": "/gioi-thieu/",
            "title_vi": "Giới thiệu",
            "content_vi": "<p>Mới</p>",
            "sites": [Site.objects.get_current().pk],
        },
    )

    assert response.status_code == 302
    dates = PageDates.objects.get(page=page)
    shown = timezone.localtime(dates.updated_at).strftime("%H:%M, %d/%m/%Y")
    assert f">{shown}</time>" in client.get("/gioi-thieu/").content.decode()


def test_demo_pages_carry_their_dates(client):
    call_command("load_demo", verbosity=0)

    assert PageDates.objects.count() == FlatPage.objects.count() == 3
    assert "Cập nhật lần cuối" in client.get("/quy-che-hoat-dong/").content.decode()


def test_accessibility_statement(client):
    page = one_line(client.get(reverse("accessibility")).content.decode())

    assert '<h1 class="h3 mb-3">Tuyên bố về khả năng tiếp cận</h1>' in page
    assert "Thông tư 26/2020/TT-BTTTT" in page
    assert "WCAG) 2.1" in page
    assert '<a href="/gop-y/">biểu mẫu Liên hệ – Góp ý</a>' in page


def test_new_pages_in_english(client):
    with translation.override("en"):
        statement = one_line(client.get(reverse("accessibility")).content.decode())
        site_map = one_line(client.get(reverse("site_map")).content.decode())
        feedback = one_line(client.get(reverse("feedback")).content.decode())

    assert '<h1 class="h3 mb-3">Accessibility statement</h1>' in statement
    assert "Readable at 200 % zoom and on screens 320 pixels wide" in statement
    assert '<h1 class="h3 mb-3">Site map</h1>' in site_map
    assert '<h1 class="h3 mb-3">Contact – Feedback</h1>' in feedback
    assert 'title="News (RSS)"' in feedback


def test_images_take_their_alternative_text_from_their_captions(client):
    from django.core.files.base import ContentFile

    from meetings.models import Photo
    from tests.factories import png_bytes

    meeting = MeetingFactory(title="Phiên họp năm 2017")
    Photo.objects.create(
        meeting=meeting, image=ContentFile(png_bytes(), "a.png"), caption="Lễ ký kết", order=1
    )
    Photo.objects.create(meeting=meeting, image=ContentFile(png_bytes(), "b.png"), caption="", order=2)
    article = ArticleFactory(title="Tin có ảnh", cover=ContentFile(png_bytes(), "c.png"), cover_caption="")

    page = one_line(client.get(meeting.get_absolute_url()).content.decode())
    news = one_line(client.get(article.get_absolute_url()).content.decode())

    assert re.findall(r'<img [^>]*alt="([^"]*)"', page) == ["", "Lễ ký kết", "Phiên họp năm 2017"]
    assert re.findall(r'<img [^>]*alt="([^"]*)"', news) == ["", "Tin có ảnh"]
