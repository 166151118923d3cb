import pytest

from council.shared.net import client_ip


@pytest.mark.parametrize(
    ("header", "count", "meta", "expected"),
    [
        ("", 1, {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, "10.0.0.9"),
        (
            "HTTP_X_FORWARDED_FOR",
            1,
            {"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
            "1.2.3.4",
        ),
        # The client wrote the first entry itself; the proxy appended the real one.
        ("HTTP_X_FORWARDED_FOR", 1, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}, "1.2.3.4"),
        ("HTTP_X_FORWARDED_FOR", 2, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4, 10.0.0.2"}, "1.2.3.4"),
        ("HTTP_X_REAL_IP", 1, {"REMOTE_ADDR": "10.0.0.9"}, "10.0.0.9"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(rf, settings, header, count, meta, expected):
    settings.CLIENT_IP_HEADER = header
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", **meta)
    if "REMOTE_ADDR" not in meta:
        request.META["REMOTE_ADDR"] = "127.0.0.1"

    assert client_ip(request) == expected
