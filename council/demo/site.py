"""The site record and the council's own pages (About, Charter, Contact)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

from council.models import touch_page

PAGES = {
    "/gioi-thieu/": (
        "Giới thiệu",
        "<p>Hội đồng Giám đốc công nghệ thông tin của cơ quan nhà nước các tỉnh, thành phố "
        "trực thuộc Trung ương khu vực miền Trung – Tây Nguyên (khu vực 2) là diễn đàn của "
        "giám đốc các Sở Thông tin và Truyền thông trong khu vực.</p>"
        "<p>Mỗi năm Hội đồng họp định kỳ một lần, luân phiên tại các địa phương, để trao đổi "
        "kinh nghiệm triển khai ứng dụng công nghệ thông tin, tổng hợp khó khăn, vướng mắc "
        "và kiến nghị với các bộ, ngành Trung ương.</p>",
    ),
    "/quy-che-hoat-dong/": (
        "Quy chế hoạt động",
        "<p>Hội đồng làm việc theo nguyên tắc tự nguyện, bình đẳng, cùng có lợi. "
        "Chủ tịch và các Phó Chủ tịch Hội đồng chủ trì phiên họp định kỳ; Tổ giúp việc "
        "chuẩn bị tài liệu, tổng hợp kiến nghị và theo dõi việc thực hiện.</p>",
    ),
    "/lien-he/": (
        "Liên hệ",
        "<p>Mọi liên hệ với Hội đồng xin gửi về Tổ giúp việc của Hội đồng.</p>"
        '<p>Thư điện tử: <a href="mailto:hoidong@example.org">hoidong@example.org</a></p>',
    ),
}


def load() -> None:
    domain = urlsplit(settings.SITE_URL).netloc
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Hội đồng Giám đốc CNTT"}
    )
    for url, (title, content) in PAGES.items():
        page, _ = FlatPage.objects.update_or_create(url=url, defaults={"title": title, "content": content})
        page.sites.add(site)
        touch_page(page)
