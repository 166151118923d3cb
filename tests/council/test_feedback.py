"""The "Liên hệ – Góp ý" form: each refusal, the happy path, the answer from the admin, Hỏi đáp."""

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from council import forms as feedback_forms
from council.models import Feedback
from tests.admin_forms import version_token
from tests.factories import ArticleFactory, MeetingFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Nguyễn Văn An",
    "email": "an@example.vn",
    "subject": "Hỏi về báo cáo năm 2017",
    "message": "Xin cho biết khi nào báo cáo tổng kết được công bố?",
    "topic": "",
    "website": "",
}


@pytest.fixture(autouse=True)
def _feedback_settings(settings):
    settings.FEEDBACK_EMAIL = "togiupviec@example.vn"
    settings.FEEDBACK_MIN_SECONDS = 4
    settings.FEEDBACK_PER_HOUR = 3
    settings.FEEDBACK_MAX_CHARS = 500
    settings.SITE_URL = "https://hoidong.example.vn"


def stamp(seconds_ago: float = 10) -> str:
    return feedback_forms.fresh_stamp(shown_at=time.time() - seconds_ago)


def post(client, **changes):
    data = {**FORM, "started": stamp(), **changes}
    return client.post(reverse("feedback"), data)


def assert_kept(page: str, data: dict = FORM) -> None:
    """Everything typed is shown again."""
    assert f'value="{data["name"]}"' in page
    assert f'value="{data["email"]}"' in page
    assert f'value="{data["subject"]}"' in page
    assert f"{data['message']}</textarea>" in page


def test_feedback_form_page_carries_a_stamp_and_a_hidden_honeypot(client):
    response = client.get(reverse("feedback"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3 mb-3">Liên hệ – Góp ý</h1>' in page
    assert 'name="started"' in page
    assert '<div class="feedback-trap" aria-hidden="true">' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_feedback_form_preselects_a_topic_from_the_link(client):
    meeting = MeetingFactory(title="Phiên họp năm 2017")

    page = client.get(reverse("feedback"), {"ve": f"meeting-{meeting.pk}"}).content.decode()

    assert f'<option value="meeting-{meeting.pk}" selected>Phiên họp năm 2017</option>' in page


def test_feedback_sent_is_stored_and_mailed_to_the_secretariat(
    client, eager_celery, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(title="Phiên họp năm 2017")

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, topic=f"meeting-{meeting.pk}")

    assert response.status_code == 302
    assert response["Location"] == reverse("feedback")
    feedback = Feedback.objects.get()
    assert (feedback.name, feedback.email, feedback.subject, feedback.meeting) == (
        "Nguyễn Văn An",
        "an@example.vn",
        "Hỏi về báo cáo năm 2017",
        meeting,
    )
    assert feedback.notified_at is not None
    [message] = mail.outbox
    assert message.to == ["togiupviec@example.vn"]
    assert message.reply_to == ["an@example.vn"]
    assert message.subject == "Góp ý mới: Hỏi về báo cáo năm 2017"
    assert "Người gửi: Nguyễn Văn An <an@example.vn>" in message.body
    assert f"Về phiên họp: Phiên họp năm 2017 (https://hoidong.example.vn{meeting.get_absolute_url()})" in (
        message.body
    )
    assert FORM["message"] in message.body
    assert f"https://hoidong.example.vn/admin/council/feedback/{feedback.pk}/change/" in message.body
    thanks = client.get(response["Location"]).content.decode()
    assert "Cảm ơn bạn đã góp ý. Tổ giúp việc Hội đồng sẽ trả lời qua thư điện tử an@example.vn." in thanks


def test_feedback_notice_is_sent_once_even_if_the_task_runs_twice(eager_celery):
    from council import feedback as service

    item = Feedback.objects.create(name="A", email="a@example.vn", subject="S", message="M")

    assert service.notify_secretariat(feedback_id=item.pk) is True
    assert service.notify_secretariat(feedback_id=item.pk) is False
    assert len(mail.outbox) == 1


def test_feedback_about_an_article(client, eager_celery, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="Tin thành phố thông minh")

    with django_capture_on_commit_callbacks(execute=True):
        post(client, topic=f"article-{article.pk}")

    assert Feedback.objects.get().article == article
    assert "Về bài viết: Tin thành phố thông minh" in mail.outbox[0].body


def test_feedback_honeypot_filled_is_refused_and_explained(client):
    response = post(client, website="http://spam.example")

    page = response.content.decode()
    assert response.status_code == 200
    assert Feedback.objects.count() == 0
    assert "Góp ý chưa được gửi: ô “Để trống ô này” (dành để nhận ra thư rác tự động) đã được điền." in page
    assert_kept(page)


def test_feedback_sent_too_fast_is_refused_and_keeps_the_stamp(client):
    started = stamp(seconds_ago=1)

    response = post(client, started=started)

    page = response.content.decode()
    assert Feedback.objects.count() == 0
    assert "Góp ý được gửi quá nhanh sau khi mở trang" in page
    assert "bấm “Gửi góp ý” lần nữa sau 3 giây." in page
    assert f'value="{started}"' in page  # sending again a little later succeeds
    assert_kept(page)


def test_feedback_form_open_too_long_is_refused_with_a_fresh_stamp(client, settings):
    settings.FEEDBACK_MAX_AGE_SECONDS = -1
    started = stamp()

    response = post(client, started=started)

    page = response.content.decode()
    assert Feedback.objects.count() == 0
    assert "Trang góp ý đã mở quá lâu nên chưa gửi được." in page
    assert f'value="{started}"' not in page
    assert 'name="started"' in page
    assert_kept(page)


def test_feedback_forged_stamp_is_refused(client):
    response = post(client, started="1:forged:stamp")

    page = response.content.decode()
    assert Feedback.objects.count() == 0
    assert "Biểu mẫu không hợp lệ (có thể trang đã bị sửa)." in page
    assert_kept(page)


def test_feedback_too_long_is_refused_with_its_length(client):
    long_message = "ý" * 501

    response = post(client, message=long_message)

    page = response.content.decode()
    assert Feedback.objects.count() == 0
    assert "Nội dung dài 501 ký tự, quá giới hạn 500 ký tự: xin rút gọn hoặc gửi thành nhiều lần." in page
    assert_kept(page, {**FORM, "message": long_message})


def test_feedback_missing_fields_and_bad_address_are_explained(client):
    response = post(client, name="", email="khong-phai-dia-chi")

    page = response.content.decode()
    assert Feedback.objects.count() == 0
    assert "Vui lòng điền ô này." in page
    assert "Địa chỉ thư điện tử chưa đúng, ví dụ đúng: ten@example.vn." in page
    assert FORM["message"] in page


def test_feedback_rate_limited_per_address(client, eager_celery):
    for _ in range(3):
        assert post(client).status_code == 302

    response = post(client, subject="Lần thứ tư")

    page = response.content.decode()
    assert response.status_code == 429
    assert Feedback.objects.count() == 3
    assert "Từ địa chỉ mạng của bạn đã có nhiều góp ý trong giờ qua (tối đa 3 mỗi giờ)." in page
    assert_kept(page, {**FORM, "subject": "Lần thứ tư"})
    # Another address is not held back.
    assert (
        client.post(reverse("feedback"), {**FORM, "started": stamp()}, REMOTE_ADDR="10.0.0.9").status_code
        == 302
    )


@pytest.fixture
def secretary_client(client):
    user = SecretariatFactory(username="thu-ky")
    client.force_login(user)
    return client


def answer_in_admin(client, item: Feedback, *, answer: str, published: bool):
    url = reverse("admin:council_feedback_change", args=[item.pk])
    data = {**version_token(client, url), "answer": answer}
    if published:
        data["published"] = "on"
    return client.post(url, data)


def test_feedback_answer_from_the_admin_is_mailed_once_and_published_on_faq(
    secretary_client, eager_celery, django_capture_on_commit_callbacks
):
    item = Feedback.objects.create(
        name="Nguyễn Văn An", email="an@example.vn", subject="Hỏi về báo cáo", message="Khi nào có?"
    )
    assert "Hỏi về báo cáo" not in secretary_client.get(reverse("faq")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = answer_in_admin(secretary_client, item, answer="Báo cáo đã đăng.", published=True)

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.answer, item.published) == ("Báo cáo đã đăng.", True)
    assert item.answered_at is not None and item.answer_sent_at is not None
    [message] = mail.outbox
    assert (message.to, message.subject) == (["an@example.vn"], "Trả lời: Hỏi về báo cáo")
    assert "Báo cáo đã đăng." in message.body
    assert "https://hoidong.example.vn/hoi-dap/" in message.body
    faq = Client().get(reverse("faq")).content.decode()
    assert '<h2 class="h5">Hỏi về báo cáo</h2>' in faq
    assert "<p>Báo cáo đã đăng.</p>" in faq
    assert "an@example.vn" not in faq and "Nguyễn Văn An" not in faq

    # A correction is saved and shown, not mailed again; unpublishing hides it.
    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(secretary_client, item, answer="Báo cáo đã đăng ngày 5/12.", published=False)

    assert len(mail.outbox) == 1
    assert "Hỏi về báo cáo" not in Client().get(reverse("faq")).content.decode()


def test_feedback_saved_without_answer_mails_nothing(
    secretary_client, eager_celery, django_capture_on_commit_callbacks
):
    item = Feedback.objects.create(name="A", email="a@example.vn", subject="S", message="M")

    with django_capture_on_commit_callbacks(execute=True):
        answer_in_admin(secretary_client, item, answer="  ", published=True)

    item.refresh_from_db()
    assert (item.answer, item.answered_at, mail.outbox) == ("", None, [])
    assert '<h2 class="h5">S</h2>' not in secretary_client.get(reverse("faq")).content.decode()


def test_feedback_cannot_be_added_in_the_admin(secretary_client):
    assert secretary_client.get(reverse("admin:council_feedback_add")).status_code == 403


def test_faq_is_empty_at_first(client):
    page = client.get(reverse("faq")).content.decode()

    assert "Chưa có câu hỏi nào được đăng." in page


def test_feedback_kept_when_the_broker_is_down_and_mailed_by_the_sweep(
    client, monkeypatch, eager_celery, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from council import feedback as service
    from council import tasks

    def broker_down(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.notify_secretariat, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client)

    assert response.status_code == 302
    assert (Feedback.objects.get().notified_at, mail.outbox) == (None, [])
    assert service.sweep_feedback() == {"notices": 0, "answers": 0}  # not overdue yet

    assert service.sweep_feedback(now=timezone.now() + timedelta(minutes=3)) == {"notices": 1, "answers": 0}
    assert [message.subject for message in mail.outbox] == ["Góp ý mới: Hỏi về báo cáo năm 2017"]
    assert service.sweep_feedback(now=timezone.now() + timedelta(minutes=3)) == {"notices": 0, "answers": 0}
    assert service.sweep_feedback(now=timezone.now() + timedelta(days=2)) == {"notices": 0, "answers": 0}


def test_feedback_sweep_sends_answers_that_were_not_sent(eager_celery):
    from datetime import timedelta

    from django.utils import timezone

    from council import feedback as service

    now = timezone.now()
    Feedback.objects.create(
        name="A",
        email="a@example.vn",
        subject="S",
        message="M",
        notified_at=now,
        answer="Đây.",
        answered_at=now,
    )

    assert service.sweep_feedback(now=now + timedelta(minutes=3)) == {"notices": 0, "answers": 1}
    assert [message.to for message in mail.outbox] == [["a@example.vn"]]
