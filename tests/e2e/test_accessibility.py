"""Accessibility (WCAG 2.1 AA) in Chromium: axe-core on every public page, keyboard, zoom and narrow screens."""

import pytest
from django.core.management import call_command

from council.models import Feedback
from tests.test_query_counts import in_english, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAIN_PAGES = [
    "/",
    "/gioi-thieu/",
    "/thanh-vien/",
    "/phien-hop/",
    "/thoa-thuan-hop-tac/",
    "/tin-tuc/",
    "/tim-kiem/?q=quang+binh",
]
NOT_HTML = ("rss/", "atom/", ".ics", ".xml", ".txt")
# Pages only some visitors see, beyond the public list: the log-in form, a missing page.
MORE_PAGES = ["/tai-khoan/dang-nhap/", "/tai-khoan/quen-mat-khau/", "/khong-co-trang-nay/"]


@pytest.fixture
def demo_site():
    call_command("load_demo", verbosity=0)


def every_html_page() -> list[str]:
    return [path for path in public_pages() if not path.endswith(NOT_HTML)] + MORE_PAGES


def axe_violations(page) -> list[dict]:
    """Every violation axe-core finds on the open page, whatever its impact."""
    from tests.e2e.conftest import AXE

    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results["violations"]
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_public_page_has_no_accessibility_violation(live_server, browser, demo_site, language):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    address = in_english if language == "en" else str
    page = context.new_page()
    Feedback.objects.create(
        name="An",
        email="an@example.vn",
        subject="Báo cáo năm 2017",
        message="Ở đâu?",
        answer="Ở trang phiên họp.",
        published=True,
    )
    found = {}
    for path in every_html_page():
        page.goto(live_server.url + address(path))
        if problems := axe_violations(page):
            found[path] = problems
    # A form shown again with its errors.
    page.goto(live_server.url + address("/gop-y/"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if problems := axe_violations(page):
        found["/gop-y/ (errors)"] = problems
    context.close()

    assert found == {}


# 320 CSS pixels wide (WCAG 1.4.10, reflow), and a 1280-pixel screen zoomed to 200 % (1.4.4),
# which lays the page out in 640 CSS pixels.
SCREENS = {
    "320px": {"width": 320, "height": 640, "scale": 1},
    "zoom-200": {"width": 640, "height": 450, "scale": 2},
}


@pytest.mark.parametrize("screen", SCREENS)
def test_every_public_page_reflows_without_horizontal_scrolling(live_server, browser, demo_site, screen):
    size = SCREENS[screen]
    context = browser.new_context(
        locale="vi-VN",
        viewport={"width": size["width"], "height": size["height"]},
        device_scale_factor=size["scale"],
    )
    page = context.new_page()
    too_wide = {}
    for path in every_html_page():
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size["width"]:
            too_wide[path] = width
    for path in ["/", "/phien-hop/hop-hoi-dong-giam-doc-cntt-nam-2017/"]:
        page.goto(live_server.url + path)
        page.screenshot(
            path=str(shot(f"reflow-{screen}-{path.strip('/').replace('/', '-') or 'home'}")), full_page=True
        )
    context.close()

    assert too_wide == {}


def shot(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36"
# What has the keyboard focus, and whether the focus can be seen (a ring drawn around it).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.getAttribute('aria-label') || '').trim(),
    name: el.getAttribute('name') || '',
    type: el.getAttribute('type') || '',
    inMain: el.closest('main') !== null,
    inNav: el.closest('nav') !== null,
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
  };
}"""


def tab_to(page, wanted, *, limit: int = 150) -> dict:
    """Press Tab until `wanted(focused)`; every element on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["ring"] and focused["shown"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError("not reached with the keyboard")


def test_keyboard_only_journey_skip_link_menu_search_vote_meeting_report(live_server, browser, demo_site):
    # Bootstrap scrolls smoothly unless asked not to: without the animation, the element
    # that takes the focus is in view at once.
    context = browser.new_context(
        locale="vi-VN", user_agent=BROWSER, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    page = context.new_page()

    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert (skip["text"], skip["ring"], skip["shown"]) == ("Bỏ qua đến nội dung", True, True)
    page.screenshot(path=str(shot("keyboard-skip-link")))
    page.keyboard.press("Enter")
    assert page.url.endswith("/#main")
    assert tab_to(page, lambda f: True)["inMain"]

    # The poll in the sidebar: a choice with the space bar, the button with Enter.
    tab_to(page, lambda f: f["type"] == "radio")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["text"] == "Bình chọn")
    page.screenshot(path=str(shot("keyboard-vote")))
    page.keyboard.press("Enter")
    page.get_by_role("region", name="Thăm dò ý kiến").get_by_role("status").wait_for()

    # Search from the header.
    page.goto(live_server.url + "/")
    tab_to(page, lambda f: f["name"] == "q")
    page.keyboard.type("quang binh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=quang+binh")
    assert "Quảng Bình" in page.inner_text("main")

    # The menu, the 2017 meeting, its report.
    tab_to(page, lambda f: f["inNav"] and f["text"] == "Phiên họp")
    page.screenshot(path=str(shot("keyboard-menu")))
    page.keyboard.press("Enter")
    page.wait_for_url("**/phien-hop/")
    tab_to(page, lambda f: f["inMain"] and f["text"].endswith("năm 2017"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/phien-hop/hop-hoi-dong-giam-doc-cntt-nam-2017/")
    tab_to(page, lambda f: f["text"] == "Báo cáo tình hình triển khai Thông báo số 08/HĐCNTT")
    page.screenshot(path=str(shot("keyboard-report")))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    context.close()


def test_keyboard_opens_the_menu_on_a_narrow_screen(live_server, browser, demo_site):
    context = browser.new_context(
        locale="vi-VN", user_agent=BROWSER, viewport={"width": 320, "height": 640}, reduced_motion="reduce"
    )
    page = context.new_page()
    page.goto(live_server.url + "/")

    toggler = tab_to(page, lambda f: f["tag"] == "button" and f["inNav"])
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["inNav"] and f["text"] == "Phiên họp")
    page.screenshot(path=str(shot("keyboard-menu-320px")))
    page.keyboard.press("Enter")
    page.wait_for_url("**/phien-hop/")
    context.close()

    assert toggler["text"] == "Mở menu"
