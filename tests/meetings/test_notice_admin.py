import pytest
from django.core import mail
from django.urls import reverse

from meetings.models import Attendance, Delivery, Notice
from tests.admin_forms import version_token
from tests.factories import MeetingFactory, NoticeFactory, UserFactory
from tests.meetings.notice_helpers import council_members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def change_url(notice) -> str:
    return reverse("admin:meetings_notice_change", args=[notice.pk])


def form_data(client, notice, **extra) -> dict:
    """The notice's change form as `client` opens it now (its version token), with `extra`."""
    return {
        **version_token(client, change_url(notice)),
        "subject": notice.subject,
        "body": notice.body,
        "send_at_0": "",
        "send_at_1": "",
        "deliveries-TOTAL_FORMS": "0",
        "deliveries-INITIAL_FORMS": "0",
        "deliveries-MIN_NUM_FORMS": "0",
        "deliveries-MAX_NUM_FORMS": "0",
        **extra,
    }


def test_admin_add_prefills_the_notice_from_its_template(staff_client):
    meeting = MeetingFactory(title="Phiên họp năm 2018")

    response = staff_client.post(
        reverse("admin:meetings_notice_add"),
        {
            "meeting": meeting.pk,
            "kind": "invitation",
            "subject": "",
            "body": "",
            "send_at_0": "",
            "send_at_1": "",
        },
    )

    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == change_url(notice)
    assert notice.subject == "Giấy mời: Phiên họp năm 2018"
    assert "trân trọng kính mời Ông/Bà tham dự Phiên họp năm 2018." in notice.body
    assert notice.state == Notice.State.DRAFT


def test_admin_send_now_twice_sends_once(staff_client, django_capture_on_commit_callbacks):
    council_members(2)
    (no_address,) = council_members(1, email="")
    notice = NoticeFactory()

    opened = form_data(staff_client, notice)  # one form, its button pressed twice

    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(change_url(notice), opened | {"subject": "Giấy mời họp", "_send_now": "1"})
        second = staff_client.post(
            change_url(notice), opened | {"subject": "Giấy mời họp", "_send_now": "1"}, follow=True
        )

    assert first.status_code == 302
    assert len(mail.outbox) == 2
    assert {m.subject for m in mail.outbox} == {"Giấy mời họp"}
    page = second.content.decode()
    assert "Thông báo này đã được gửi; không gửi lần nữa." in page
    assert "Thành viên chưa có địa chỉ thư điện tử." in page
    assert no_address.full_name in page
    notice.refresh_from_db()
    assert (notice.state, notice.subject) == (Notice.State.SENT, "Giấy mời họp")


def test_admin_change_page_shows_each_members_state_error_and_answer(staff_client):
    ok, refused = council_members(2)
    notice = NoticeFactory(state=Notice.State.SENT)
    Delivery.objects.create(notice=notice, member=ok, address=ok.email, state="sent", attempts=1)
    Delivery.objects.create(
        notice=notice,
        member=refused,
        address=refused.email,
        state="failed",
        attempts=1,
        last_error="550 5.1.1 Mailbox unavailable",
    )
    Attendance.objects.create(meeting=notice.meeting, member=ok, rsvp=Attendance.Rsvp.ACCEPTED)

    page = staff_client.get(change_url(notice)).content.decode()

    assert "550 5.1.1 Mailbox unavailable" in page
    assert "Lỗi" in page and "Tham dự" in page
    assert 'name="_resend"' in page
    assert 'name="_send_now"' not in page


# The three ways the secretariat resends, all through one helper: the button on a
# notice, the action on the notice list, the action on the delivery list.
def resend_button(client, notice, delivery):
    return client.post(change_url(notice), form_data(client, notice, _resend="1"), follow=True)


def resend_notices_action(client, notice, delivery):
    return client.post(
        reverse("admin:meetings_notice_changelist"),
        {"action": "resend_failed", "_selected_action": [notice.pk]},
        follow=True,
    )


def resend_deliveries_action(client, notice, delivery):
    return client.post(
        reverse("admin:meetings_delivery_changelist"),
        {"action": "resend", "_selected_action": [delivery.pk]},
        follow=True,
    )


@pytest.mark.parametrize("resend", [resend_button, resend_notices_action, resend_deliveries_action])
def test_admin_resends_failed_deliveries_and_says_how_many(
    resend, staff_client, django_capture_on_commit_callbacks
):
    (member,) = council_members(1)
    notice = NoticeFactory(state=Notice.State.SENT)
    delivery = Delivery.objects.create(
        notice=notice, member=member, address=member.email, state="failed", attempts=5, last_error="421 busy"
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = resend(staff_client, notice, delivery)
        again = resend(staff_client, notice, delivery)

    assert [m.message for m in first.context["messages"]] == ["Đã xếp 1 lượt gửi vào hàng đợi gửi lại."]
    assert [m.message for m in again.context["messages"]] == ["Không có lượt gửi lỗi nào gửi lại được."]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("sent", 1, "")
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_admin_preview_renders_the_email_for_one_member(staff_client):
    first, second = council_members(2)
    notice = NoticeFactory(subject="Giấy mời: Phiên họp năm 2018")
    url = reverse("admin:meetings_notice_preview", args=[notice.pk])

    page = staff_client.get(url, {"member": second.pk}).content.decode()
    html = staff_client.get(
        reverse("admin:meetings_notice_preview_html", args=[notice.pk]), {"member": second.pk}
    )

    assert "Giấy mời: Phiên họp năm 2018" in page
    assert second.email in page
    assert f"&lt;notice-{notice.pk}.member-{second.pk}@example.org&gt;" in page
    assert "phien-hop-" in page and ".ics" in page
    assert f"Kính gửi: Ông/Bà {second.full_name}" in html.content.decode()
    assert "style-src 'unsafe-inline'" in html["Content-Security-Policy"]
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert Delivery.objects.count() == 0


def test_admin_lists_notices_with_their_progress(staff_client):
    ok, failed = council_members(2)
    notice = NoticeFactory(state=Notice.State.SENT, subject="Nhắc lịch họp")
    Delivery.objects.create(notice=notice, member=ok, state="sent")
    Delivery.objects.create(notice=notice, member=failed, state="failed")

    page = staff_client.get(reverse("admin:meetings_notice_changelist")).content.decode()

    assert "Nhắc lịch họp" in page
    assert "đã gửi 1/2, lỗi 1" in page


def test_admin_add_form_opened_for_a_meeting_is_prefilled(staff_client):
    meeting = MeetingFactory(title="Phiên họp năm 2018")

    response = staff_client.get(
        reverse("admin:meetings_notice_add"), {"meeting": meeting.pk, "kind": "change"}
    )

    form = response.context["adminform"].form
    assert form.initial["subject"] == "Thay đổi: Phiên họp năm 2018"
    assert form.initial["body"].startswith(
        "Tổ giúp việc Hội đồng trân trọng thông báo thay đổi về Phiên họp năm 2018."
    )


def test_admin_delivery_list_shows_each_members_answer(staff_client):
    coming, silent = council_members(2)
    notice = NoticeFactory(state=Notice.State.SENT)
    for member in (coming, silent):
        Delivery.objects.create(notice=notice, member=member, address=member.email, state="sent", attempts=1)
    Attendance.objects.create(meeting=notice.meeting, member=coming, rsvp=Attendance.Rsvp.ACCEPTED)

    response = staff_client.get(reverse("admin:meetings_delivery_changelist"))

    answers = {row.member_id: row.rsvp_value for row in response.context["cl"].result_list}
    assert answers == {coming.pk: "accepted", silent.pk: None}
    assert '<td class="field-rsvp">Tham dự</td>' in response.content.decode()
