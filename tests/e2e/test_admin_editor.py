"""The secretariat's article editor works in the admin under the Content Security Policy."""

import pytest

from tests.e2e.conftest import log_into_admin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_article_editor_loads_without_csp_violations(live_server, page, screenshot, secretary):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    log_into_admin(page, live_server.url, secretary)
    page.goto(live_server.url + "/admin/council/article/add/")
    editor = page.locator(".field-body_vi .ProseMirror[contenteditable=true]")
    editor.wait_for(timeout=10_000)
    editor.click()
    page.keyboard.type("Tin từ Tổ giúp việc")
    screenshot("admin-article-editor")

    assert "Tin từ Tổ giúp việc" in editor.inner_text()
    # No script is refused. (One inline style attribute is refused by the strict
    # style-src; the editor does not need it.)
    assert [p for p in problems if "script-src" in p] == []
