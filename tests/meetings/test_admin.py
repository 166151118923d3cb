import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from meetings import services
from meetings.models import AgendaItem, Meeting, Photo
from tests.admin_forms import version_token
from tests.factories import MeetingFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

INLINES = ["agenda_items", "attendances", "documents", "photos", "recommendations", "follow_ups"]


@pytest.fixture
def secretariat(client):
    user = SecretariatFactory()
    client.force_login(user)
    return client


def form_data(meeting: Meeting, **extra) -> dict:
    """The meeting's form as typed by hand, with the version token a browser gets with the page."""
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = version_token(client, reverse("admin:meetings_meeting_change", args=[meeting.pk])) | {
        "title_vi": meeting.title,
        "slug": meeting.slug,
        "year": meeting.year,
        "status": meeting.status,
        "starts_at_0": timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y"),
        "starts_at_1": timezone.localtime(meeting.starts_at).strftime("%H:%M:%S"),
        "host_province": meeting.host_province_id,
    }
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | extra


def image(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (11, 79, 138)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_admin_refuses_html_renamed_to_pdf(secretariat):
    meeting = MeetingFactory()
    fake = SimpleUploadedFile(
        "bao-cao.pdf", b"<html><body>not a report</body></html>", content_type="application/pdf"
    )
    data = form_data(
        meeting,
        **{
            "documents-TOTAL_FORMS": 1,
            "documents-0-kind": "report",
            "documents-0-title": "Báo cáo",
            "documents-0-slug": "bao-cao",
            "documents-0-file": fake,
            "documents-0-order": 0,
        },
    )

    response = secretariat.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 200
    assert "Nội dung tệp không phải là PDF thật (có thể tệp đã bị đổi đuôi)." in response.content.decode()
    assert meeting.documents.count() == 0


def test_admin_uploads_several_photos_at_once_in_order(secretariat):
    meeting = MeetingFactory()
    data = form_data(
        meeting,
        new_photos=[image("a.jpg"), image("b.jpg"), image("c.jpg")],
        new_photos_credit="Cục Tin học hóa",
    )

    response = secretariat.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]), data, follow=True
    )

    assert "Đã thêm 3 ảnh." in response.content.decode()
    assert list(meeting.photos.values_list("order", "credit")) == [
        (1, "Cục Tin học hóa"),
        (2, "Cục Tin học hóa"),
        (3, "Cục Tin học hóa"),
    ]


def test_admin_refuses_a_batch_with_one_bad_photo(secretariat):
    meeting = MeetingFactory()
    bad = SimpleUploadedFile("x.jpg", b"GIF89a not really", content_type="image/jpeg")
    data = form_data(meeting, new_photos=[image("a.jpg"), bad])

    response = secretariat.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), data)

    assert "x.jpg: Tệp tải lên không phải là ảnh hợp lệ." in response.content.decode()
    assert Photo.objects.count() == 0


def test_copy_meeting_makes_next_years_draft_with_the_agenda():
    from tests.factories import ProvinceFactory

    gia_lai = ProvinceFactory(name="Gia Lai")
    meeting = MeetingFactory(
        title="Phiên họp năm 2017",
        year=2017,
        starts_at=timezone.make_aware(datetime.datetime(2017, 8, 12, 8)),
        status=Meeting.Status.HELD,
        next_host=gia_lai,
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="Báo cáo")

    copy = services.copy_meeting(meeting=meeting)

    assert (copy.title, copy.slug, copy.year, copy.status, copy.host_province) == (
        "Phiên họp năm 2018",
        "phien-hop-nam-2018",
        2018,
        Meeting.Status.DRAFT,
        gia_lai,
    )
    assert timezone.localtime(copy.starts_at).date() == datetime.date(2018, 8, 11)
    assert list(copy.agenda_items.values_list("title", flat=True)) == ["Báo cáo"]


def test_copy_action_from_the_meeting_list(secretariat):
    meeting = MeetingFactory(title="Phiên họp năm 2025", year=2025)

    response = secretariat.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "copy_as_next_year", "_selected_action": [meeting.pk]},
        follow=True,
    )

    assert "Đã tạo bản nháp:" in response.content.decode()
    assert Meeting.objects.filter(year=2026, status=Meeting.Status.DRAFT).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/meetings/meeting/",
        "/admin/meetings/meeting/add/",
        "/admin/meetings/agreement/",
        "/admin/meetings/recommendation/",
        "/admin/meetings/document/",
    ],
)
@pytest.mark.parametrize(("who", "expected"), [("anonymous", 302), ("member", 302), ("secretariat", 200)])
def test_meetings_admin_permissions(client, url, who, expected):
    if who == "member":
        client.force_login(UserFactory())
    elif who == "secretariat":
        user = SecretariatFactory()
        client.force_login(user)

    assert client.get(url).status_code == expected
