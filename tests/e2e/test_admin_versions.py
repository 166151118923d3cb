"""A secretary edits an article in two tabs, is refused the stale save, and restores the first version."""

import pytest
from django.core.management import call_command

from council.models import Article
from tests.e2e.conftest import log_into_admin
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_second_tab_is_refused_and_the_first_version_is_restored(live_server, page, screenshot, secretary):
    article = ArticleFactory(title="Hội nghị CIO miền Trung 2017", cover_caption="Toàn cảnh hội nghị")
    call_command("createinitialrevisions", "council.Article", comment="Bản đầu tiên", verbosity=0)
    change = f"{live_server.url}/admin/council/article/{article.pk}/change/"
    log_into_admin(page, live_server.url, secretary)

    page.goto(change)
    tab2 = page.context.new_page()
    tab2.goto(change)

    page.fill("#id_title_vi", "Hội nghị CIO miền Trung – Tây Nguyên 2017")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    tab2.fill("#id_cover_caption", "Các đại biểu tại hội nghị")
    tab2.click("input[name=_save]")
    refusal = tab2.locator(".errorlist.nonfield")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "Chưa lưu: trang này đã được sửa ở nơi khác" in text
    assert (
        "tiêu đề (tiếng Việt): “Hội nghị CIO miền Trung 2017” → “Hội nghị CIO miền Trung – Tây Nguyên 2017”"
        in text
    )
    assert "thời điểm xuất bản" not in text  # only what really changed
    assert tab2.input_value("#id_cover_caption") == "Các đại biểu tại hội nghị"  # nothing typed is lost
    tab2.screenshot(path=str(_shot("admin-versions-stale-refused")), full_page=True)
    article.refresh_from_db()
    assert (article.title, article.cover_caption) == (
        "Hội nghị CIO miền Trung – Tây Nguyên 2017",
        "Toàn cảnh hội nghị",
    )

    # History: the two versions compared, then the first one opened and saved.
    page.goto(change.replace("/change/", "/history/"))
    screenshot("admin-versions-history")
    page.get_by_role("button", name="So sánh").click()
    diff = page.locator("#content-main")
    assert diff.locator("del").first.inner_text() != ""
    assert "– Tây Nguyên" in diff.locator("ins").all_inner_texts()[0]
    assert [h.strip() for h in diff.locator("h3").all_inner_texts()][:1] == ["tiêu đề (tiếng Việt)"]
    assert "chuyên mục" not in diff.locator("h3").all_inner_texts()  # unchanged links are not listed
    screenshot("admin-versions-compare")
    page.get_by_role("link", name="Về lịch sử").first.click()
    page.locator(f'#change-history a[href*="/admin/council/article/{article.pk}/history/"]').last.click()
    assert page.input_value("#id_title_vi") == "Hội nghị CIO miền Trung 2017"
    screenshot("admin-versions-restore-form")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    article.refresh_from_db()
    assert article.title == "Hội nghị CIO miền Trung 2017"
    assert Article.objects.count() == 1


def _shot(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
