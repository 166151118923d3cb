"""Feedback in Chromium: a visitor writes, the secretariat is mailed, answers in the admin, publishes."""

import re
from urllib.parse import urlsplit

import pytest

from council.models import Feedback
from tests.e2e.conftest import log_into_admin
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_feedback_sent_mailed_answered_in_the_admin_and_published(
    live_server, browser, page, screenshot, settings, eager_celery, mailoutbox, secretary
):
    settings.FEEDBACK_MIN_SECONDS = 1
    settings.FEEDBACK_EMAIL = "togiupviec@example.vn"
    meeting = MeetingFactory(title="Phiên họp năm 2017")
    visitor = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()

    visitor.goto(live_server.url + meeting.get_absolute_url())
    visitor.get_by_role("link", name="Góp ý về phiên họp này").click()
    visitor.get_by_label("Họ và tên").fill("Nguyễn Văn An")
    visitor.get_by_label("Thư điện tử").fill("an@example.vn")
    visitor.get_by_label("Tiêu đề").fill("Khi nào có báo cáo tổng kết?")
    visitor.get_by_label("Nội dung").fill("Xin cho biết khi nào báo cáo tổng kết phiên họp được công bố.")
    assert visitor.get_by_label("Về phiên họp hoặc bài viết (không bắt buộc)").input_value() == (
        f"meeting-{meeting.pk}"
    )
    visitor.wait_for_timeout(1100)  # the minimum fill time
    visitor.get_by_role("button", name="Gửi góp ý").click()
    visitor.get_by_text("Cảm ơn bạn đã góp ý.").wait_for()
    visitor.screenshot(path=str(_path("feedback-sent")), full_page=True)

    [notice] = mailoutbox
    assert (notice.to, notice.subject) == (
        ["togiupviec@example.vn"],
        "Góp ý mới: Khi nào có báo cáo tổng kết?",
    )
    admin_url = re.search(r"https?://\S+/admin/council/feedback/\d+/change/", notice.body).group(0)

    log_into_admin(page, live_server.url, secretary)
    page.goto(live_server.url + urlsplit(admin_url).path)
    page.fill("#id_answer", "Báo cáo tổng kết được đăng trong tháng 12.")
    page.check("#id_published")
    screenshot("feedback-admin-answer")
    page.click("input[name=_save]")
    page.locator(".messagelist").wait_for()

    answer = mailoutbox[1]
    assert (answer.to, answer.subject) == (["an@example.vn"], "Trả lời: Khi nào có báo cáo tổng kết?")
    assert "Báo cáo tổng kết được đăng trong tháng 12." in answer.body
    assert Feedback.objects.get().answer_sent_at is not None

    visitor.goto(live_server.url + "/")
    visitor.get_by_role("contentinfo").get_by_role("link", name="Hỏi đáp").click()
    item = visitor.locator("article.faq-item")
    assert item.get_by_role("heading", level=2).inner_text() == "Khi nào có báo cáo tổng kết?"
    assert "Báo cáo tổng kết được đăng trong tháng 12." in item.inner_text()
    assert "an@example.vn" not in visitor.content()
    visitor.screenshot(path=str(_path("feedback-faq")), full_page=True)
    visitor.context.close()


def _path(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
