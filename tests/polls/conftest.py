"""What every test of the polls app starts from."""

import pytest
from django.conf import settings
from django.utils.crypto import get_random_string


def browser_cookies(client):
    """Give a test client the CSRF cookie a browser gets with any page that shows a form."""
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return client


@pytest.fixture
def client(client):
    """A visitor's browser that has opened a page of the site (so it votes as one voter)."""
    return browser_cookies(client)
