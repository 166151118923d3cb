"""A secretary's day with one article, in Chromium, from the sign-in to the restored first version.

Signed in with a password and a one-time code; the text pasted from Word, two photos put
in the body through the editor and a cover; a slug already taken (the cover is kept);
the draft previewed; published; read on the public site (photos loaded, pasted gaps
gone); edited in two tabs (the second save refused); the first version restored.
Screenshots: secretary-article-01-… to secretary-article-10-… under tests/e2e/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from council.models import Article
from council.two_factor import needs_second_factor
from tests.e2e.conftest import SCREENSHOTS, log_into_admin
from tests.e2e.test_journeys import BROWSER, _photo
from tests.factories import ArticleFactory, CategoryFactory, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Hội nghị CIO 2026"
SLUG = "hoi-nghi-cio-2026"
# What Word puts on the clipboard: Mso classes, <o:p>, empty paragraphs and leading non-breaking spaces.
WORD_HTML = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal{margin:0}</style>"
    "</head><body lang=VI><!--StartFragment-->"
    "<p class=MsoNormal style='text-align:justify'><span lang=VI>&nbsp;&nbsp;Sáng 12/3/2026, tại Pleiku,"
    "&nbsp;Hội đồng đã họp phiên thường niên.<o:p></o:p></span></p>\n"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
    "<p class=MsoNormal>&nbsp;</p>\n"
    "<p class=MsoNormal><span lang=VI>&nbsp;Các tỉnh đã báo cáo kết quả chuyển đổi số.<o:p></o:p></span></p>\n"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"
    "<p class=MsoNormal><b><span lang=VI>Kết luận của Chủ tịch Hội đồng<o:p></o:p></span></b></p>"
    "<p class=MsoNormal>&nbsp;</p><!--EndFragment--></body></html>"
)
WORD_TEXT = (
    "  Sáng 12/3/2026, tại Pleiku, Hội đồng đã họp phiên thường niên.\n\n\n"
    " Các tỉnh đã báo cáo kết quả chuyển đổi số.\n\nKết luận của Chủ tịch Hội đồng\n"
)
PARAGRAPHS = [
    "Sáng 12/3/2026, tại Pleiku,\u00a0Hội đồng đã họp phiên thường niên.",
    "Các tỉnh đã báo cáo kết quả chuyển đổi số.",
    "Kết luận của Chủ tịch Hội đồng",
]


def shot(page, number: int, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"secretary-article-{number:02d}-{name}.png"), full_page=True)


def paste(page, html: str, text: str) -> None:
    """What Ctrl+V does with this on the clipboard: a paste event carrying both forms."""
    page.locator(".field-body_vi .ProseMirror[contenteditable=true]").evaluate(
        """(editor, [html, text]) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", text);
            editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [html, text],
    )


def put_photo_in_body(page, path, *, alt: str, caption: str) -> None:
    """The editor's "Hình có chú thích" button, its "Chọn tệp..." window, then "Chèn"."""
    page.locator('.field-body_vi .prose-menubar__button[title="Hình có chú thích"]').click()
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as opened:
        dialog.get_by_role("button", name="Chọn tệp...").click()
    picker = opened.value
    picker.set_input_files("#id_image", path)
    picker.fill("#id_alt", alt)
    picker.fill("#id_caption", caption)
    with picker.expect_event("close"):
        picker.click("input[type=submit]")
    expect(dialog.locator("input[name=imageUrl]")).to_have_value(re.compile(r"^/media/news/body/.+\.jpg$"))
    dialog.locator("button[type=submit]").click()
    expect(page.locator(".field-body_vi .ProseMirror figcaption", has_text=caption)).to_be_visible()


def images_loaded(page, selector: str) -> list[str]:
    """The `alt` of each image matched, once every one has loaded with real pixels."""
    images = page.locator(selector)
    for image in images.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
    return [image.get_attribute("alt") for image in images.all()]


def test_secretary_writes_previews_publishes_edits_in_two_tabs_and_restores_an_article(
    live_server, browser, page, secretary, tmp_path
):
    CategoryFactory(name="Tin Hội đồng", slug="tin-hoi-dong")
    ArticleFactory(title="Hội nghị CIO 2026 (tin cũ)", slug=SLUG)  # the address the new title asks for
    cover, first, second = tmp_path / "hoi-truong.jpg", tmp_path / "khai-mac.jpg", tmp_path / "bao-cao.png"
    _photo(cover)
    _photo(first)
    second.write_bytes(png_bytes((480, 320)))
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    # 1. Signed in with the password and a one-time code from the authenticator app.
    assert needs_second_factor(secretary)
    log_into_admin(page, live_server.url, secretary)
    expect(page.get_by_role("heading", name="Quản trị nội dung")).to_be_visible()
    shot(page, 1, "signed-in")

    # 2. The article: title, the text pasted from Word, two photos in the body, a cover.
    page.goto(live_server.url + "/admin/council/article/add/")
    page.locator("#id_title_vi").press_sequentially(TITLE)  # typed: the address follows the title
    expect(page.locator("#id_slug")).to_have_value(SLUG)
    page.fill("#id_summary_vi", "Phiên họp thường niên của Hội đồng tại Gia Lai.")
    editor = page.locator(".field-body_vi .ProseMirror[contenteditable=true]")
    editor.click()
    paste(page, WORD_HTML, WORD_TEXT)
    expect(editor).to_contain_text("Kết luận của Chủ tịch Hội đồng")
    put_photo_in_body(page, first, alt="Khai mạc phiên họp", caption="Khai mạc phiên họp tại Pleiku")
    editor.locator("p", has_text="Các tỉnh đã báo cáo").click()
    page.keyboard.press("End")
    put_photo_in_body(page, second, alt="Báo cáo của các tỉnh", caption="Các tỉnh báo cáo kết quả")
    page.set_input_files("#id_cover", cover)
    page.fill("#id_cover_caption", "Hội trường Pleiku")
    page.select_option("#id_category", label="Tin Hội đồng")
    shot(page, 2, "written")

    # 3. The address is taken: refused, and the chosen cover is kept.
    page.click("input[name=_continue]")
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-slug .errorlist")).to_have_text("Bài viết có Đường dẫn đã tồn tại.")
    expect(page.locator(".field-cover")).to_contain_text("Tệp đã chọn được giữ lại: hoi-truong.jpg")
    # The browser's "no file chosen" beside that note is hidden, not contradicting it.
    expect(page.locator("#id_cover")).to_have_css("color", "rgba(0, 0, 0, 0)")
    expect(editor.locator("figure img")).to_have_count(2)
    # The text comes back as it will be saved: the pasted gaps and leading spaces are gone already.
    expect(editor.locator("p")).to_have_count(3)
    expect(editor.locator("p").first).to_have_text(re.compile("^Sáng 12/3/2026"))
    shot(page, 3, "slug-taken-cover-kept")
    page.fill("#id_slug", SLUG + "-tai-gia-lai")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(slug=SLUG + "-tai-gia-lai")
    assert article.status == Article.Status.DRAFT
    assert article.cover.name.endswith(".jpg")

    # 4. "Xem trên trang web" on the draft: the staff-only preview, never indexed.
    change = page.url
    page.get_by_role("link", name="Xem trên trang web").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert "/xem-truoc/" in page.url or "preview" in page.url, page.url
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
    # The second photo went after the second paragraph, the first one at the end.
    assert images_loaded(page, "main img") == [
        "Hội trường Pleiku",
        "Báo cáo của các tỉnh",
        "Khai mạc phiên họp",
    ]
    shot(page, 4, "preview")

    # 5. Published now.
    page.goto(change)
    page.select_option("#id_status", label="Xuất bản")
    page.locator(".field-published_at").get_by_role("button", name="Bây giờ").click()
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, 5, "published")
    article.refresh_from_db()
    assert article.is_public

    # 6. A visitor reads it: the cover and both photos load, the pasted gaps are gone.
    context = browser.new_context(locale="vi-VN", user_agent=BROWSER, viewport={"width": 1280, "height": 900})
    visitor = context.new_page()
    visitor.goto(live_server.url + "/")
    visitor.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tin tức").click()
    visitor.get_by_role("link", name=TITLE).first.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert images_loaded(visitor, "main img") == [
        "Hội trường Pleiku",
        "Báo cáo của các tỉnh",
        "Khai mạc phiên họp",
    ]
    body = visitor.locator(".article-body")
    assert body.locator("figcaption").all_inner_texts() == [
        "Các tỉnh báo cáo kết quả",
        "Khai mạc phiên họp tại Pleiku",
    ]
    assert body.locator("p").all_text_contents() == PARAGRAPHS
    assert visitor.locator('meta[name="robots"]').count() == 0
    shot(visitor, 6, "public")
    context.close()
    assert "&nbsp;</p>" not in article.body and "<p></p>" not in article.body

    # 7. Two tabs: the first saves a new title, the second (opened before) is refused.
    tab2 = page.context.new_page()
    page.goto(change)
    tab2.goto(change)
    page.fill("#id_title_vi", TITLE + " tại Gia Lai")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    tab2.fill("#id_cover_caption", "Toàn cảnh hội trường")
    tab2.click("input[name=_save]")
    refusal = tab2.locator(".errorlist.nonfield")
    expect(refusal).to_contain_text("Chưa lưu: trang này đã được sửa ở nơi khác")
    expect(refusal).to_contain_text(f"tiêu đề (tiếng Việt): “{TITLE}” → “{TITLE} tại Gia Lai”")
    expect(tab2.locator("#id_cover_caption")).to_have_value("Toàn cảnh hội trường")
    expect(tab2.locator(".field-cover .file-upload a")).to_have_text("hoi-truong.jpg")  # not its storage path
    shot(tab2, 7, "second-tab-refused")
    tab2.close()
    article.refresh_from_db()
    assert (article.title, article.cover_caption) == (TITLE + " tại Gia Lai", "Hội trường Pleiku")

    # 8. History (newest first: the new title, the publication, the draft): the version
    # published with the first title is opened, then saved.
    page.goto(change.replace("/change/", "/history/"))
    versions = page.locator(f'#change-history a[href*="/admin/council/article/{article.pk}/history/"]')
    expect(versions).to_have_count(3)
    shot(page, 8, "history")
    versions.nth(1).click()
    expect(page.locator("#id_title_vi")).to_have_value(TITLE)
    shot(page, 9, "first-version")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, 10, "restored")
    article.refresh_from_db()
    assert article.title == TITLE
    assert article.is_public
    assert article.body.count("<figure>") == 2
    assert [p for p in problems if "script-src" in p] == []
