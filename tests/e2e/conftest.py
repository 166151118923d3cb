"""Browser tests: Playwright driving Debian's Chromium against a live server."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in the test thread; Django's ORM,
# used by the live server and fixtures, must be allowed to run beside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if shutil.which(CHROMIUM) is None:
        pytest.skip("needs Chromium: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # The browser's own words (a file input's "Chọn tệp") in Vietnamese, as on a secretary's
            # computer; Debian's chromium-l10n holds them (without it they stay English).
            env={**os.environ, "LANGUAGE": "vi"},
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a screenshot under tests/e2e/screenshots/ (CI keeps them)."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from npm


@pytest.fixture
def accessibility_problems(page):
    """Run axe-core on the open page; return its serious and critical violations.

    The script is evaluated through the DevTools protocol, so the site's
    Content Security Policy (which rightly forbids injected scripts) stays on.
    """

    def check() -> list[dict]:
        page.evaluate(AXE.read_text())
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"]
            if v["impact"] in {"serious", "critical"}
        ]

    return check


@pytest.fixture
def secretary():
    """A member of the secretariat, staff in its group (password: the factories' own)."""
    from tests.factories import SecretariatFactory

    return SecretariatFactory(username="thu-ky", first_name="Thư ký")


def log_into_admin(page, base_url: str, user) -> None:
    """Log in through the admin's own form, with a one-time code from an enrolled app if needed."""
    from council.two_factor import needs_second_factor
    from tests.factories import enrol_totp, totp_code

    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "mat-khau-thu-nghiem")
    if needs_second_factor(user):
        page.fill("#id_otp_token", totp_code(enrol_totp(user)))
    page.click("input[type=submit]")
