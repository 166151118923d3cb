"""The two articles about the 2017 meeting (content/) as published news."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.html import escape

from council.models import Article, Category
from council.shared.sanitize import clean_html
from council.shared.text import vietnamese_slug
from meetings.models import Meeting
from members.models import Province

CONTENT = Path(__file__).parent / "content"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MEETING_2017 = "hop-hoi-dong-giam-doc-cntt-nam-2017"
CATEGORIES = [
    ("Tin Hội đồng", "tin-hoi-dong"),
    ("Tin hoạt động", "tin-hoat-dong"),
    ("Tin trong nước", "tin-trong-nuoc"),
]


def _paragraphs(lines: list[str]) -> str:
    """Body HTML: photo captions (they carry "nguồn ảnh") in italics, the rest as paragraphs."""
    html = []
    for line in lines:
        text = escape(" ".join(line.split()))
        html.append(f"<p><em>{text}</em></p>" if "nguồn ảnh" in line else f"<p>{text}</p>")
    return clean_html("".join(html))


# The council's own report in English; the ICTNews article stays Vietnamese only (shown with a note on /en/).
COUNCIL_ARTICLE_IN_ENGLISH = {
    "title_en": "The council of IT directors of the Central and Central Highlands region meets for 2017",
    "summary_en": (
        "On 12 August 2017, in Quảng Bình, the council of IT directors of state agencies of the "
        "Central and Central Highlands provinces and cities held its regular meeting for 2017."
    ),
    "body_en": clean_html(
        "<p>On 12 August 2017, in Quảng Bình, the council of IT directors of state agencies of the "
        "centrally governed provinces and cities of the Central and Central Highlands region held its "
        "regular meeting for 2017. Phan Ngọc Thọ, Vice-Chair of the council and Standing Vice-Chair of "
        "the People's Committee of Thừa Thiên Huế, chaired the meeting.</p>"
        "<p>Attending were Nguyễn Tiến Hoàng, Vice-Chair of the People's Committee of Quảng Bình; "
        "Phạm Văn Hải, Deputy Director General of the Authority of Information Technology Application "
        "of the Ministry of Information and Communications; the directors of the region's Departments "
        "of Information and Communications, members of the council; and the council's secretariat.</p>"
        "<p>Lê Sỹ Minh, Director of the Department of Information and Communications of Thừa Thiên Huế, "
        "presented the report on carrying out Notice No. 08/HĐCNTT, which concluded the council's "
        "2016 meeting.</p>"
    ),
}


def council_article() -> dict:
    lines = [
        ln.strip()
        for ln in (CONTENT / "council-site-2017-annual-meeting.txt").read_text().splitlines()
        if ln.strip()
    ]
    title, summary = lines[0], lines[1]
    author_at = lines.index("Đinh Thị Thanh Vân")
    return {
        "title": title,
        "summary": summary,
        "body": _paragraphs(lines[2:author_at]),
        "author": "Đinh Thị Thanh Vân",
        **COUNCIL_ARTICLE_IN_ENGLISH,
        "category": "tin-hoi-dong",
        "published_at": datetime.datetime(2017, 8, 12, 17, 0, tzinfo=TZ),
    }


def ictnews_article() -> dict:
    lines = [
        ln.strip()
        for ln in (CONTENT / "ictnews-2017-central-cio-council.txt").read_text().splitlines()
        if ln.strip()
    ]
    title, summary = lines[0], lines[1]
    source_at = next(i for i, ln in enumerate(lines) if ln.startswith("Theo ICTNews"))
    body = []
    for line in lines[2:source_at]:
        if line not in body:  # the page repeats its photo caption
            body.append(line)
    return {
        "title": title,
        "summary": summary,
        "body": _paragraphs(body),
        "source_name": "ICTNews",
        "source_url": lines[source_at + 1],
        "category": "tin-hoat-dong",
        "published_at": datetime.datetime(2017, 8, 12, 20, 0, tzinfo=TZ),
    }


def load() -> None:
    categories = {}
    for order, (name, slug) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )
    meeting = Meeting.objects.filter(slug=MEETING_2017).first()
    provinces = Province.objects.filter(name__in=["Quảng Bình", "Quảng Trị", "Thừa Thiên Huế"])
    for data in (council_article(), ictnews_article()):
        category = categories[data.pop("category")]
        article, _created = Article.objects.update_or_create(
            slug=vietnamese_slug(data["title"])[:200],
            defaults={**data, "category": category, "meeting": meeting, "status": Article.Status.PUBLISHED},
        )
        article.provinces.set(provinces)
