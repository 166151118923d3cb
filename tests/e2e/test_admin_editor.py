"""The secretariat's article editor works in the admin under the Content Security Policy."""

import pytest
from django.contrib.auth.models import Group

from council.permissions import SECRETARIAT_GROUP
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_article_editor_loads_without_csp_violations(live_server, page, screenshot):
    user = UserFactory(username="thu-ky", is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "thu-ky")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/council/article/add/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.wait_for(timeout=10_000)
    editor.click()
    page.keyboard.type("Tin từ Tổ giúp việc")
    screenshot("admin-article-editor")

    assert "Tin từ Tổ giúp việc" in editor.inner_text()
    # No script is refused. (One inline style attribute is refused by the strict
    # style-src; the editor does not need it.)
    assert [p for p in problems if "script-src" in p] == []
