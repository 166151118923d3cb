"""The secretariat's uploads in a real browser: limits checked before upload, files kept
across a form error, a photo with a caption in an article's body; the article list at 1280 px."""

import pytest

from council.models import Article
from tests.e2e.conftest import SCREENSHOTS, log_into_admin
from tests.factories import ArticleFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_too_large_photo_is_refused_before_upload(live_server, page, secretary):
    log_into_admin(page, live_server.url, secretary)
    page.goto(live_server.url + "/admin/council/article/add/")

    page.set_input_files(
        "#id_cover",
        files=[{"name": "lon.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (11 * 1024 * 1024)}],
    )
    error = page.locator("#id_cover_upload_error")
    error.wait_for()

    assert error.inner_text() == "“lon.jpg” quá lớn (11 MB); giới hạn là 10,0\u00a0MB."
    assert page.eval_on_selector("#id_cover", "input => input.files.length") == 0
    assert page.locator(".field-cover .upload-limits").inner_text() == (
        "Ảnh JPEG, PNG, WebP hoặc GIF; tối đa 10,0\u00a0MB và 40 triệu điểm ảnh."
    )


def test_a_photo_with_too_many_pixels_is_refused_before_upload(live_server, page, secretary, monkeypatch):
    from council.shared import kept_uploads

    small = kept_uploads.dataclasses.replace(kept_uploads.IMAGE_LIMITS, max_pixels=2_000_000)
    monkeypatch.setattr(kept_uploads, "IMAGE_LIMITS", small)
    log_into_admin(page, live_server.url, secretary)
    page.goto(live_server.url + "/admin/council/article/add/")

    page.set_input_files(
        "#id_cover", files=[{"name": "rong.png", "mimeType": "image/png", "buffer": png_bytes((2000, 1500))}]
    )
    error = page.locator("#id_cover_upload_error")
    error.wait_for()

    assert error.inner_text() == "“rong.png” có quá nhiều điểm ảnh (3 triệu); giới hạn là 2 triệu."


def test_the_cover_is_kept_after_a_slug_collision(live_server, page, secretary, tmp_path):
    ArticleFactory(slug="tin-trung")
    cover = tmp_path / "bia.png"
    cover.write_bytes(png_bytes((300, 200)))
    log_into_admin(page, live_server.url, secretary)
    page.goto(live_server.url + "/admin/council/article/add/")
    page.fill("#id_title_vi", "Tin trùng")  # its slug, filled from the title, is taken
    page.set_input_files("#id_cover", cover)
    page.click("input[name=_save]")

    page.locator(".errornote").wait_for()
    _shot(page, "admin-article-cover-kept")
    assert "Tệp đã chọn được giữ lại: bia.png" in page.locator(".field-cover").inner_text()
    page.fill("#id_slug", "tin-moi")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    assert Article.objects.get(slug="tin-moi").cover.name.endswith(".jpg")


def test_a_photo_with_its_caption_goes_into_the_body_through_the_editor(
    live_server, page, secretary, tmp_path
):
    photo = tmp_path / "toan-canh.png"
    photo.write_bytes(png_bytes((320, 180)))
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    log_into_admin(page, live_server.url, secretary)
    page.goto(live_server.url + "/admin/council/article/add/")
    page.fill("#id_title_vi", "Tin có ảnh trong bài")
    editor = page.locator(".field-body_vi .ProseMirror[contenteditable=true]")
    editor.wait_for(timeout=10_000)
    editor.click()
    page.keyboard.type("Đoạn mở đầu.")

    page.locator(
        '.field-body_vi .prose-menubar__button[title="Hình có chú thích"]'
    ).click()  # once the menu is in Vietnamese
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Chọn tệp...").click()
    picker = opened.value
    picker.set_input_files("#id_image", photo)
    picker.fill("#id_alt", "Toàn cảnh phiên họp")
    picker.fill("#id_caption", "Phiên họp năm 2017 tại Quảng Bình")
    _shot(picker, "admin-body-image-picker")
    with picker.expect_event("close"):
        picker.click("input[type=submit]")
    assert dialog.locator("input[name=imageUrl]").input_value().startswith("/media/news/body/")
    _shot(page, "admin-body-image-dialog")
    dialog.locator("button[type=submit]").click()
    editor.locator("figure img").wait_for()
    _shot(page, "admin-body-image-inserted")
    page.click("input[name=_save]")
    page.locator(".messagelist .success").wait_for()

    body = Article.objects.get(title="Tin có ảnh trong bài").body
    assert body.startswith('<p>Đoạn mở đầu.</p><figure><img src="/media/news/body/')
    assert body.endswith(
        '.jpg" alt="Toàn cảnh phiên họp"><figcaption>Phiên họp năm 2017 tại Quảng Bình</figcaption></figure>'
    )
    assert [p for p in problems if "script-src" in p] == []


def test_article_list_keeps_titles_readable_and_the_view_count_in_view_at_1280_px(
    live_server, page, secretary
):
    from council import demo

    demo.load_all()
    log_into_admin(page, live_server.url, secretary)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/council/article/")
    _shot(page, "admin-article-list-1280")

    title = page.locator("#result_list tbody th.field-title").first.bounding_box()
    views = page.locator("#result_list tbody td.field-view_count").first.bounding_box()
    results = page.locator("#changelist-form .results").bounding_box()
    assert title["width"] >= 192  # 12rem: several words a line
    assert views["x"] + views["width"] <= results["x"] + results["width"]
