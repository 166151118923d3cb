import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from council.demo.meetings import report_pdf
from council.shared import held
from meetings.models import Attendance, Document, Meeting, Photo
from tests.factories import MeetingFactory, MembershipFactory, png_bytes

pytestmark = pytest.mark.django_db


def past(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def test_archive_lists_the_next_meeting_first_then_past_years(client):
    MeetingFactory(title="Năm 2017", year=2017, starts_at=past(3000), status=Meeting.Status.HELD)
    MeetingFactory(title="Năm 2016", year=2016, starts_at=past(3400), status=Meeting.Status.HELD)
    MeetingFactory(title="Sắp tới", status=Meeting.Status.PLANNED)
    MeetingFactory(title="Nháp", status=Meeting.Status.DRAFT)

    response = client.get(reverse("meetings:list"))

    assert [m.title for m in response.context["upcoming"]] == ["Sắp tới"]
    assert [(year, [m.title for m in items]) for year, items in response.context["past_by_year"]] == [
        (2017, ["Năm 2017"]),
        (2016, ["Năm 2016"]),
    ]
    assert "Nháp" not in response.content.decode()


def test_draft_meeting_and_its_documents_are_never_public(client):
    draft = MeetingFactory(status=Meeting.Status.DRAFT)
    document = Document.objects.create(
        meeting=draft,
        title="Báo cáo",
        slug="bao-cao",
        published=True,
        file=ContentFile(report_pdf(), name="b.pdf"),
    )

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("meetings:ics", args=[draft.slug])).status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404


def test_unpublished_document_is_404_and_published_one_downloads(client):
    meeting = MeetingFactory(status=Meeting.Status.HELD, starts_at=past(10))
    hidden = Document.objects.create(
        meeting=meeting, title="Dự thảo", slug="du-thao", file=ContentFile(report_pdf(), name="d.pdf")
    )
    shown = Document.objects.create(
        meeting=meeting,
        number="08/HĐCNTT",
        title="Báo cáo tình hình",
        slug="bao-cao",
        published=True,
        file=ContentFile(report_pdf(), name="b.pdf"),
    )

    response = client.get(shown.get_absolute_url())

    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="08-hdcntt-bao-cao-tinh-hinh.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")


def test_cancelled_meeting_says_so(client):
    meeting = MeetingFactory(status=Meeting.Status.CANCELLED)

    assert "Phiên họp này đã bị hủy." in client.get(meeting.get_absolute_url()).content.decode()


def test_meeting_ics_parses_back(client):
    meeting = MeetingFactory(title="Phiên họp 2026", status=Meeting.Status.PLANNED)

    response = client.get(reverse("meetings:ics", args=[meeting.slug]))
    feed = client.get(reverse("meetings:calendar"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]) == "Phiên họp 2026"
    assert event.decoded("dtstart") == meeting.starts_at
    assert [str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")] == ["Phiên họp 2026"]


def test_meeting_page_groups_attendees_by_province(client):
    meeting = MeetingFactory(status=Meeting.Status.HELD, starts_at=past(10))
    for name in ["Gia Lai", "Huế"]:
        member = MembershipFactory(member__organisation__province__name=name).member
        Attendance.objects.create(meeting=meeting, member=member, attended=True)

    response = client.get(meeting.get_absolute_url())

    assert [name for name, _items in response.context["attendees_by_province"]] == ["Gia Lai", "Huế"]


@pytest.mark.parametrize("count", [5, 50])
def test_meeting_page_queries_do_not_grow_with_photos_and_documents(client, django_assert_num_queries, count):
    meeting = MeetingFactory(status=Meeting.Status.HELD, starts_at=past(10))
    pdf = report_pdf()
    for index in range(count):
        Document.objects.create(
            meeting=meeting,
            title=f"Tài liệu {index}",
            slug=f"tai-lieu-{index}",
            published=True,
            file=ContentFile(pdf, name=f"t{index}.pdf"),
        )
        Photo.objects.create(
            meeting=meeting, image=ContentFile(png_bytes(), name=f"a{index}.png"), caption=f"Ảnh {index}"
        )
    client.get(meeting.get_absolute_url())  # thumbnails are made and remembered once
    held.forget_everything()  # and the page's shell: render it again

    with django_assert_num_queries(9):
        response = client.get(meeting.get_absolute_url())

    assert len(response.context["meeting"].public_documents) == count


def test_recommendation_tracker_filters_by_status_and_topic(client):
    from meetings.models import FollowUp, Recommendation

    first = MeetingFactory(year=2017, status=Meeting.Status.HELD, starts_at=past(3000))
    later = MeetingFactory(year=2018, status=Meeting.Status.HELD, starts_at=past(2600))
    money = Recommendation.objects.create(meeting=first, title="Kinh phí", topic="Kinh phí")
    Recommendation.objects.create(
        meeting=first, title="Nhân lực", topic="Nhân lực", status=Recommendation.Status.RESOLVED
    )
    FollowUp.objects.create(
        recommendation=money, meeting=later, note="Đã kiến nghị Bộ", status=Recommendation.Status.IN_PROGRESS
    )

    open_ones = client.get(reverse("meetings:recommendations"), {"tinh-trang": "open"})
    by_topic = client.get(reverse("meetings:recommendations"), {"chu-de": "Nhân lực"})

    assert [r.title for r in open_ones.context["recommendations"]] == ["Kinh phí"]
    assert "Đã kiến nghị Bộ" in open_ones.content.decode()
    assert [r.title for r in by_topic.context["recommendations"]] == ["Nhân lực"]


def test_a_meeting_cannot_be_held_before_it_starts():
    from django.core.exceptions import ValidationError

    future = MeetingFactory.build(
        status=Meeting.Status.HELD, starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    held = MeetingFactory.build(status=Meeting.Status.HELD, starts_at=past(3))

    with pytest.raises(ValidationError) as error:
        future.clean()
    held.clean()

    assert error.value.message_dict == {
        "status": ["Phiên họp chưa bắt đầu nên chưa thể ở trạng thái “Đã tổ chức”."]
    }
