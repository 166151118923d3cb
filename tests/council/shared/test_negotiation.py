"""wants_json: Django's answer for every Accept header, worked out once per header."""

import pytest
from django.test import RequestFactory

from council.shared import negotiation
from council.shared.negotiation import wants_json

# What browsers, in-app browsers, the poll's fetch() and odd clients send.
HEADERS = [
    None,
    "",
    "*/*",
    "application/json",
    "application/json, text/plain, */*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # Zalo's and Facebook's WebViews
    "application/*",
    "text/*",
    "text/html;q=0.5, */*",
    "text/html;q=0, */*",
    "application/json;q=0.5, text/html",
    "application/json;q=0",
    "image/png",
    "text/html, application/json",
    "application/json, text/html",
    "garbage;;,,;q=abc",
]


def _django(header):
    request = RequestFactory().get("/", **({"HTTP_ACCEPT": header} if header is not None else {}))
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


@pytest.mark.parametrize("header", HEADERS)
def test_the_same_answer_as_django_for_every_header(header):
    request = RequestFactory().get("/", **({"HTTP_ACCEPT": header} if header is not None else {}))

    assert wants_json(request) is _django(header)
    assert wants_json(request) is _django(header)  # remembered: the same again


def test_the_fetch_asks_for_json_and_a_browser_does_not():
    browser = HEADERS[5]
    assert wants_json(RequestFactory().get("/", HTTP_ACCEPT="application/json"))
    assert not wants_json(RequestFactory().get("/", HTTP_ACCEPT=browser))


def test_a_header_is_worked_out_once_and_a_very_long_one_never_kept():
    negotiation._remembered.cache_clear()
    header = "text/html, */*;q=0.1"
    for _ in range(3):
        wants_json(RequestFactory().get("/", HTTP_ACCEPT=header))
    assert negotiation._remembered.cache_info().misses == 1

    long_header = "application/json, " + "x/y, " * 400
    assert wants_json(RequestFactory().get("/", HTTP_ACCEPT=long_header))
    assert negotiation._remembered.cache_info().currsize == 1
