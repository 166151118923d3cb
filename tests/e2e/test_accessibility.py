"""axe-core on the main public pages: no serious or critical violation."""

import pytest
from django.core.management import call_command

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


@pytest.fixture
def demo_site():
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_main_pages_have_no_serious_accessibility_problem(
    live_server, page, demo_site, accessibility_problems, path
):
    page.goto(live_server.url + path)

    assert accessibility_problems() == []
