import pytest

from council.demo import polls as demo_polls
from polls.models import Vote
from tests.live_gunicorn import gunicorn_on_test_database

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    demo_polls.load()


def test_poll_votes_without_leaving_the_page(live_server, page, screenshot, demo):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(live_server.url + "/phien-hop/")
    sidebar = page.get_by_role("region", name="Thăm dò ý kiến")

    sidebar.get_by_role("radio", name="Cần thêm chủ đề").check()
    with page.expect_response(lambda r: "/binh-chon/" in r.url) as answer:
        sidebar.get_by_role("button", name="Bình chọn").click()

    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/json"
    status = sidebar.get_by_role("status")
    assert status.inner_text() == "Cảm ơn bạn đã bình chọn."
    assert page.url == live_server.url + "/phien-hop/"
    text = sidebar.inner_text()
    assert "Bạn đã bình chọn: Cần thêm chủ đề" in text
    assert "6 phiếu (35 %)" in text
    assert "Tổng số phiếu: 17" in text
    assert sidebar.get_by_role("button", name="Bình chọn").count() == 0
    screenshot("poll-voted")

    page.reload()
    assert "Bạn đã bình chọn: Cần thêm chủ đề" in sidebar.inner_text()
    assert Vote.objects.filter(voter_key__startswith="guest:").count() == 1
    assert problems == []


def test_poll_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    sidebar = page.get_by_role("region", name="Thăm dò ý kiến")

    sidebar.get_by_role("radio", name="Đạt yêu cầu", exact=True).check()
    sidebar.get_by_role("button", name="Bình chọn").click()
    page.wait_for_load_state()

    assert page.url == live_server.url + "/"
    assert "Cảm ơn bạn đã bình chọn." in page.get_by_role("status").first.inner_text()
    assert "8 phiếu (47 %)" in sidebar.inner_text()

    page.goto(live_server.url + "/binh-chon/y-kien-ve-website-hdgdcntt/")
    assert page.get_by_role("button", name="Bình chọn").count() == 0
    context.close()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_double_click_without_javascript_counts_one_vote(browser, django_db_setup, demo):
    """Chromium sends the form twice before the first answer is back: one voter, one vote."""
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    with gunicorn_on_test_database(workers=2, threads=4) as server:
        url = server.url + "/binh-chon/y-kien-ve-website-hdgdcntt/"
        page.goto(url)
        page.get_by_role("radio", name="Đạt yêu cầu", exact=True).check()
        # A slow mobile network: the first answer is still on its way when the second click comes.
        network = context.new_cdp_session(page)
        network.send("Network.enable")
        network.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        page.get_by_role("button", name="Bình chọn").dblclick(delay=100)
        page.wait_for_load_state("networkidle")  # both posts answered, the last one's page shown
        text = page.locator("main").inner_text()
        page.goto(url)
        again = page.locator("main").inner_text()
    context.close()

    assert len(posts) == 2
    assert Vote.objects.count() == 17  # the demo's 16 and this one
    assert "Bạn đã bình chọn: Đạt yêu cầu" in text
    assert "Bạn đã bình chọn: Đạt yêu cầu" in again
    assert "Tổng số phiếu: 17" in again


def test_poll_says_the_maintenance_message_beside_the_form(live_server, page, demo):
    from council.shared import breaker

    page.goto(live_server.url + "/phien-hop/")
    sidebar = page.get_by_role("region", name="Thăm dò ý kiến")
    sidebar.get_by_role("radio", name="Cần thêm chủ đề").check()
    breaker.database.trip("PostgreSQL stopped")  # the live server runs in this process

    with page.expect_response(lambda r: "/binh-chon/" in r.url) as answer:
        sidebar.get_by_role("button", name="Bình chọn").click()

    assert answer.value.status == 503
    assert sidebar.get_by_role("alert").inner_text() == "Hệ thống đang bảo trì, mời bạn thử lại sau ít phút."
    assert sidebar.get_by_role("button", name="Bình chọn").is_enabled()
    assert sidebar.get_by_role("radio", name="Cần thêm chủ đề").is_checked()
    assert Vote.objects.filter(voter_key__startswith="guest:").count() == 0
