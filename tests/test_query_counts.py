"""Every public page makes as many queries with ten times the content as with the demo's."""

import datetime
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from council.demo.meetings import report_pdf
from council.models import Article
from council.shared import held
from meetings.models import (
    AgendaItem,
    Agreement,
    Attendance,
    Document,
    FollowUp,
    Meeting,
    Photo,
    Recommendation,
)
from members.models import Member, Membership, Organisation
from polls.models import Poll
from tests.factories import (
    ArticleFactory,
    MeetingFactory,
    MembershipFactory,
    VoteFactory,
    png_bytes,
    poll_with_choices,
)

pytestmark = pytest.mark.django_db

MEETING_2017 = "hop-hoi-dong-giam-doc-cntt-nam-2017"
GROWTH = 10


def public_pages() -> list[str]:
    """Every public page, with one object of each kind from the demo."""
    article = Article.objects.public().filter(meeting__slug=MEETING_2017).first()
    member = Member.objects.first()
    agreement = Agreement.objects.filter(published=True).first()
    poll = Poll.objects.filter(featured=True).first()
    return [
        "/",
        "/tin-tuc/",
        f"/tin-tuc/chuyen-muc/{article.category.slug}/",
        article.get_absolute_url(),
        "/tin-tuc/rss/",
        "/tin-tuc/atom/",
        "/tim-kiem/?" + urlencode({"q": "hội đồng"}),
        "/thanh-vien/",
        "/thanh-vien/nguyen-thanh-vien/",
        member.get_absolute_url(),
        "/phien-hop/",
        "/phien-hop/kien-nghi/",
        f"/phien-hop/{MEETING_2017}/",
        f"/phien-hop/{MEETING_2017}/lich.ics",
        "/phien-hop/lich.ics",
        "/phien-hop/rss/",
        "/phien-hop/atom/",
        "/thoa-thuan-hop-tac/",
        agreement.get_absolute_url(),
        "/binh-chon/",
        poll.get_absolute_url(),
        "/gioi-thieu/",
        "/quy-che-hoat-dong/",
        "/lien-he/",
        "/gop-y/",
        "/hoi-dap/",
        "/so-do-trang/",
        "/kha-nang-tiep-can/",
        "/sitemap.xml",
        "/robots.txt",
    ]


# Machine files with one address for both languages; every other public page also lives under /en/.
ONE_ADDRESS = ("/sitemap.xml", "/robots.txt")


def in_english(path: str) -> str:
    """The English address of the public page at `path` (the Vietnamese one)."""
    return path if path in ONE_ADDRESS else f"/en{path}"


def queries_of(client, path: str) -> int:
    """Queries of one request on a cold cache (page shells, the poll, the counter all dropped)."""
    cache.clear()
    held.forget_everything()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def grow_tenfold() -> None:
    """Ten times the demo's content, tied to the same pages (the 2017 meeting, its news)."""
    meeting = Meeting.objects.get(slug=MEETING_2017)
    times = GROWTH - 1
    for _ in range(times * Article.objects.count()):
        ArticleFactory(meeting=meeting)
    for index in range(times * Meeting.objects.count()):
        MeetingFactory(
            status=Meeting.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=400 + index)
        )
    for _ in range(times * Membership.objects.count()):
        MembershipFactory()
    members = list(Member.objects.all())
    for member in members[: times * meeting.attendances.count()]:
        Attendance.objects.get_or_create(meeting=meeting, member=member, defaults={"attended": True})
    for index in range(times * meeting.agenda_items.count()):
        AgendaItem.objects.create(
            meeting=meeting, order=100 + index, title=f"Nội dung {index}", presenter=members[0]
        )
    pdf = report_pdf()
    for index in range(times * meeting.documents.count()):
        Document.objects.create(
            meeting=meeting,
            title=f"Tài liệu {index}",
            slug=f"tai-lieu-them-{index}",
            published=True,
            file=ContentFile(pdf, name=f"them-{index}.pdf"),
        )
    for index in range(times * meeting.photos.count()):
        Photo.objects.create(
            meeting=meeting, image=ContentFile(png_bytes(), name=f"them-{index}.png"), caption=f"Ảnh {index}"
        )
    later = Meeting.objects.exclude(pk=meeting.pk).first()
    for index in range(times * meeting.recommendations.count()):
        recommendation = Recommendation.objects.create(
            meeting=meeting, title=f"Kiến nghị {index}", order=100 + index
        )
        FollowUp.objects.create(recommendation=recommendation, meeting=later, note="Đã triển khai.")
    organisations = list(Organisation.objects.all()[:3])
    for index in range(times * Agreement.objects.count()):
        agreement = Agreement.objects.create(
            title=f"Thỏa thuận {index}",
            slug=f"thoa-thuan-them-{index}",
            signed_on=timezone.localdate(),
            meeting=meeting,
        )
        agreement.parties.set(organisations)
    featured = Poll.objects.get(featured=True)
    for _ in range(times * featured.votes.count()):
        VoteFactory(choice=featured.choices.first())
    for index in range(times * Poll.objects.count()):
        poll_with_choices("Có", "Không", slug=f"them-{index}")


def test_every_public_page_makes_the_same_queries_with_ten_times_the_content(client):
    call_command("load_demo", verbosity=0)
    pages = public_pages()
    for path in pages:
        client.get(path)  # thumbnails are made once, on the first view
    before = {path: queries_of(client, path) for path in pages}

    grow_tenfold()
    for path in pages:
        client.get(path)
    after = {path: queries_of(client, path) for path in pages}

    assert after == before
