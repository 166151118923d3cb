import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_the_vietnamese_navigation(live_server, page, screenshot):
    page.goto(live_server.url + "/")

    navigation = page.get_by_role("navigation", name="Điều hướng chính")
    labels = [
        text.strip() for text in navigation.locator("ul.navbar-nav").get_by_role("link").all_inner_texts()
    ]
    assert labels == [
        "Trang chủ",
        "Giới thiệu",
        "Thành viên",
        "Phiên họp",
        "Thỏa thuận hợp tác",
        "Tin tức",
        "Liên hệ",
    ]
    assert page.locator("html").get_attribute("lang") == "vi"
    assert screenshot("home").stat().st_size > 10_000
