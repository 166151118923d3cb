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

# The English versions the demo has (the others show in Vietnamese on /en/, with a note).
PAGES_IN_ENGLISH = {
    "/gioi-thieu/": (
        "About the council",
        "<p>The council of IT directors of state agencies of the centrally governed provinces and "
        "cities of the Central and Central Highlands region (region 2) is the forum of the directors "
        "of the region's Departments of Information and Communications.</p>"
        "<p>The council meets once a year, in each province in turn, to share experience in "
        "deploying information technology, to gather the difficulties met, and to make "
        "recommendations to the central ministries and agencies.</p>",
    ),
}


def load() -> None:
    domain = urlsplit(settings.SITE_URL).netloc
    site, _ = Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "Hội đồng Giám đốc CNTT"}
    )
    for url, (title, content) in PAGES.items():
        title_en, content_en = PAGES_IN_ENGLISH.get(url, ("", ""))
        page, _ = FlatPage.objects.update_or_create(
            url=url,
            defaults={"title": title, "content": content, "title_en": title_en, "content_en": content_en},
        )
        page.sites.add(site)
        touch_page(page)
