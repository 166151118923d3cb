import pytest
from django.urls import reverse

from meetings.models import Attendance
from meetings.notice_rsvp import rsvp_token
from tests.factories import MeetingFactory, MemberFactory
from tests.meetings.notice_helpers import old_rsvp_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitee():
    meeting = MeetingFactory(title="Phiên họp năm 2018")
    member = MemberFactory(full_name="Lê Văn Cường")
    return meeting, member, rsvp_token(meeting_id=meeting.pk, member_id=member.pk)


def test_rsvp_link_get_asks_and_changes_nothing(client, invitee):
    meeting, member, token = invitee

    response = client.get(reverse("meetings:rsvp_answer", kwargs={"token": token, "answer": "tham-du"}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Xác nhận tham dự" in page
    assert "Phiên họp năm 2018" in page
    assert "<strong>Lê Văn Cường</strong>" in page
    assert Attendance.objects.count() == 0


def test_rsvp_link_post_accepts_and_redirects(client, invitee):
    meeting, member, token = invitee

    response = client.post(
        reverse("meetings:rsvp_answer", kwargs={"token": token, "answer": "tham-du"}), follow=True
    )

    assert response.redirect_chain == [(reverse("meetings:rsvp_status", kwargs={"token": token}), 302)]
    page = response.content.decode()
    assert "Cảm ơn Ông/Bà đã xác nhận tham dự." in page
    assert "đã xác nhận <strong>tham dự</strong>" in page
    attendance = Attendance.objects.get()
    assert (attendance.meeting, attendance.member, attendance.rsvp) == (meeting, member, "accepted")
    assert attendance.responded_at is not None


def test_rsvp_link_post_declines_an_existing_invitation(client, invitee):
    meeting, member, token = invitee
    Attendance.objects.create(meeting=meeting, member=member)

    client.post(reverse("meetings:rsvp_answer", kwargs={"token": token, "answer": "vang-mat"}))

    assert list(Attendance.objects.values_list("rsvp", flat=True)) == ["declined"]


def test_rsvp_link_tampered_shows_a_clear_page(client, invitee):
    _meeting, _member, token = invitee
    forged = token.replace(token[-5:], "AAAAA")

    response = client.post(reverse("meetings:rsvp_answer", kwargs={"token": forged, "answer": "tham-du"}))

    assert response.status_code == 400
    assert "Đường dẫn trả lời giấy mời không hợp lệ" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_rsvp_link_expired_shows_a_clear_page(client, settings, monkeypatch):
    settings.NOTICE_RSVP_DAYS = 30
    meeting = MeetingFactory()
    token = old_rsvp_token(monkeypatch, days=31, meeting_id=meeting.pk, member_id=MemberFactory().pk)

    response = client.get(reverse("meetings:rsvp_answer", kwargs={"token": token, "answer": "tham-du"}))

    assert response.status_code == 410
    assert "Đường dẫn trả lời giấy mời đã hết hạn" in response.content.decode()


def test_rsvp_link_with_an_unknown_answer_is_404(client, invitee):
    _meeting, _member, token = invitee

    response = client.get(f"/tra-loi-giay-moi/{token}/co-the/")

    assert response.status_code == 404
