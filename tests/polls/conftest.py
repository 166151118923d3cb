"""What every test of the polls app starts from."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.crypto import get_random_string

JSON = {"HTTP_ACCEPT": "application/json"}


def text_of(response) -> str:
    """The page's text with tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def vote_url(poll) -> str:
    return reverse("polls:vote", kwargs={"slug": poll.slug})


def browser_cookies(client):
    """Give a test client the CSRF cookie a browser gets with any page that shows a form."""
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return client


@pytest.fixture
def client(client):
    """A visitor's browser that has opened a page of the site (so it votes as one voter)."""
    return browser_cookies(client)


@pytest.fixture
def demo():
    """The council's old site's poll, with its 16 votes."""
    from council.demo import polls as demo_polls
    from polls.models import Poll

    demo_polls.load()
    return Poll.objects.get(slug="y-kien-ve-website-hdgdcntt")
