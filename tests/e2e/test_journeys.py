"""The users' journeys through the demo site, in Chromium, with screenshots."""

import re

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.fixture
def visitor(browser):
    # A real browser's user agent: headless Chromium's own is left out of the counter as a bot.
    context = browser.new_context(locale="vi-VN", user_agent=BROWSER, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_visitor_reads_news_opens_the_2017_meeting_downloads_its_report_and_votes(
    live_server, visitor, demo, settings
):
    settings.ONLINE_COUNTER_READ_SECONDS = 0
    page = visitor
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tin tức").click()
    page.get_by_role("link", name="Các CIO miền Trung họp bàn về thành phố thông minh").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Các CIO miền Trung họp bàn về thành phố thông minh"
    )
    page.screenshot(path=str(_shot("journey-visitor-article")), full_page=True)

    page.get_by_role(
        "link", name="Phiên họp Hội đồng Giám đốc CNTT khu vực miền Trung – Tây Nguyên năm 2017"
    ).click()
    assert "Phan Ngọc Thọ" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo tình hình triển khai Thông báo số 08/HĐCNTT").click()
    assert (
        download.value.suggested_filename
        == "08-hdcntt-bao-cao-tinh-hinh-trien-khai-thong-bao-so-08hdcntt.pdf"
    )
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    page.screenshot(path=str(_shot("journey-visitor-meeting")), full_page=True)

    sidebar = page.get_by_role("region", name="Thăm dò ý kiến")
    sidebar.get_by_role("radio", name="Đạt yêu cầu", exact=True).check()
    sidebar.get_by_role("button", name="Bình chọn").click()
    sidebar.get_by_role("status").wait_for()
    results = sidebar.inner_text()
    assert "Tổng số phiếu: 17" in results
    assert "8 phiếu (47 %)" in results

    page.reload()
    counter = page.get_by_role("region", name="Thống kê truy cập").inner_text()
    guests = int(re.search(r"Khách\n(\d+)", counter).group(1))
    assert guests >= 1  # this visitor, at least (other browsers may share the server)
    page.screenshot(path=str(_shot("journey-visitor-voted")), full_page=True)
    assert problems == []


def _shot(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
