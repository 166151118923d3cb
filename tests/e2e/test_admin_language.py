"""The secretariat's admin in the browser: signed in with a one-time code, every word Vietnamese.

What the server sends is checked page by page in tests/test_admin_language.py; here the
browser draws the pages, scripts included (the editor builds its menu, the admin its
calendar and time-zone note), and what it shows is compared with the same English lists.
Screenshots: admin-vi-login-code-needed, admin-vi-changelist, admin-vi-change-form, admin-vi-link-dialog, admin-vi-delete.
"""

import pytest

from council.models import Article
from tests.e2e.conftest import SCREENSHOTS, log_into_admin
from tests.factories import ArticleFactory, enrol_totp
from tests.test_admin_language import editor_strings, english_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown_english(page) -> list[str]:
    """Django's English and the editor's English in what the page shows now."""
    html = page.content()
    found = english_in(html)
    titles = page.eval_on_selector_all(
        ".prose-menubar [title], .prose-menubar [aria-label], dialog *",
        "els => els.flatMap(e => [e.getAttribute('title'), e.getAttribute('aria-label'),"
        " e.children.length || e.classList.contains('material-icons') ? null : e.textContent])"
        ".filter(Boolean).map(t => t.trim())",
    )
    editor = set(editor_strings())
    return found + sorted({title for title in titles if title in editor})


def test_secretary_signs_in_with_a_code_and_reads_only_vietnamese(live_server, page, screenshot, secretary):
    article = ArticleFactory(title="Hội nghị thường niên 2017", status=Article.Status.PUBLISHED)
    enrol_totp(secretary)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", secretary.username)
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("input[type=submit]")
    screenshot("admin-vi-login-code-needed")
    assert "Tài khoản này cần mã xác thực" in page.inner_text("#content")
    assert shown_english(page) == []
    log_into_admin(page, live_server.url, secretary)
    assert page.url.rstrip("/").endswith("/admin")

    page.goto(live_server.url + "/admin/council/article/?_facets=1")
    screenshot("admin-vi-changelist")
    assert shown_english(page) == []

    page.goto(live_server.url + f"/admin/council/article/{article.pk}/change/")
    page.locator(".prose-menubar").first.wait_for(timeout=10_000)
    page.wait_for_timeout(300)  # the menu is translated on the next animation frame
    screenshot("admin-vi-change-form")
    english = shown_english(page)
    assert english == [], ", ".join(english)
    titles = page.eval_on_selector_all(".prose-menubar [title]", "els => els.map(e => e.title)")
    assert "Chữ đậm" in titles and "Chèn liên kết" in titles

    page.locator(".field-body_vi .ProseMirror[contenteditable=true]").click()
    page.keyboard.type("Liên kết")
    page.keyboard.press("Shift+Home")
    page.locator('.prose-menubar [title="Chèn liên kết"]').first.click()
    page.locator("dialog[open]").wait_for(timeout=5_000)
    screenshot("admin-vi-link-dialog")
    assert shown_english(page) == []
    page.keyboard.press("Escape")

    page.goto(live_server.url + f"/admin/council/article/{article.pk}/delete/")
    screenshot("admin-vi-delete")
    assert "Bạn có chắc muốn xóa bài viết “Hội nghị thường niên 2017”?" in page.inner_text("#content")
    assert shown_english(page) == []


def test_the_time_zone_note_and_calendar_are_in_vietnamese(live_server, browser, secretary):
    """A secretary whose computer keeps another time zone is told so in Vietnamese."""
    article = ArticleFactory(title="Tin giờ quốc tế", status=Article.Status.PUBLISHED)
    context = browser.new_context(
        locale="vi-VN", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        log_into_admin(page, live_server.url, secretary)
        page.goto(live_server.url + f"/admin/council/article/{article.pk}/change/")
        note = page.locator(".timezonewarning").first
        note.wait_for(timeout=10_000)
        assert note.inner_text().startswith(
            "Lưu ý: nhập giờ theo múi giờ Asia/Ho_Chi_Minh (máy của bạn đang muộn hơn "
        )
        page.locator("#calendarlink0").click()  # the calendar of the date
        page.locator(".calendarbox").first.wait_for(timeout=5_000)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "admin-vi-time-zone-calendar.png"))
        english = shown_english(page)
        assert english == [], ", ".join(english)
    finally:
        context.close()
