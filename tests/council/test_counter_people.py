"""The counter counts people, not clients: in-app browsers, crawlers, cookie-less floods, offices."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from council import counter
from tests.council.counter_fixtures import BROWSER, NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


IN_APP_BROWSERS = {
    "Zalo (Android)": "Mozilla/5.0 (Linux; Android 12; SM-A525F Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/108.0.5359.128 Mobile Safari/537.36 Zalo android/12100591 "
    "ZaloTheme/light ZaloLanguage/vi",
    "Zalo (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Zalo iOS/23.06.01 ZaloTheme/light ZaloLanguage/vi",
    "Facebook (iOS, FBAN)": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;"
    "FBID/phone;FBLC/vi_VN;FBOP/5;FBRV/0]",
    "Facebook (Android, FB_IAB/FBAV)": "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/115.0.5790.166 Mobile Safari/537.36 "
    "[FB_IAB/FB4A;FBAV/426.0.0.26.50;]",
    "Messenger (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 [FBAN/MessengerForiOS;FBAV/435.0.0.35.109;FBBV/532048405;FBDV/iPhone13,2;FBMD/iPhone;"
    "FBSN/iOS;FBSV/17.1;FBSS/3;FBCR/;FBID/phone;FBLC/vi_VN;FBOP/0]",
    "Instagram (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Instagram 290.0.0.13.76 (iPhone13,2; iOS 16_5; vi_VN; vi; scale=3.00; 1170x2532; 491279022)",
    "Instagram (Android)": "Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 Instagram 298.0.0.31.110 Android "
    "(33/13; 450dpi; 1080x2177; samsung; SM-A536E; a53x; s5e8825; vi_VN; 509918826)",
    "Line (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 Safari Line/13.10.0",
    "Line (Android)": "Mozilla/5.0 (Linux; Android 12; SM-S906N Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 Line/13.11.1/IAB",
    "TikTok (Android)": "Mozilla/5.0 (Linux; Android 12; SM-A125F Build/SP1A.210812.016; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 trill_300304 JsSdk/1.0 "
    "NetType/WIFI Channel/googleplay AppName/trill app_version/30.3.4 ByteLocale/vi ByteFullLocale/vi Region/VN "
    "Spark/1.3.8.1-bugfix AppVersion/30.3.4 BytedanceWebview/d8a21c6",
    "TikTok (iOS)": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 musical_ly_31.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/vi Region/VN "
    "isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6 FalconTag/",
}
BROWSERS = {
    "Cốc Cốc": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "coc_coc_browser/129.0.236 Chrome/123.0.6312.236 Safari/537.36",
    "Safari (iPhone)": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Firefox": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Edge": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36 Edg/131.0.0.0",
    # "scan" and "check" inside a person's browser: a scanner handheld, a security suite's mark.
    "Chrome on a ScanPal handheld": "Mozilla/5.0 (Linux; Android 11; ScanPal EDA51 Build/RKQ1.210309.001; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36",
    "Chrome with a CheckPoint mark": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 CheckPoint/1.0",
}
BOTS = {
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Bingbot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
    "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
    "Cốc Cốc's crawler": "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
    "Facebook's link preview": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Telegram's link preview": "TelegramBot (like TwitterBot)",
    "UptimeRobot": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
    "Pingdom": "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
    "GPTBot": "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
    "headless Chrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
    "curl": "curl/8.5.0",
    "Wget": "Wget/1.21.4",
    "python-requests": "python-requests/2.32.3",
    "Go": "Go-http-client/1.1",
    "no user agent": "",
}


@pytest.mark.parametrize(
    "user_agent", [*IN_APP_BROWSERS.values(), *BROWSERS.values()], ids=[*IN_APP_BROWSERS, *BROWSERS]
)
def test_in_app_and_ordinary_browsers_are_people(user_agent):
    assert counter.is_bot(user_agent) is False


@pytest.mark.parametrize("user_agent", BOTS.values(), ids=BOTS.keys())
def test_crawlers_previews_monitors_and_scripts_are_bots(user_agent):
    assert counter.is_bot(user_agent) is True


def test_readers_in_zalo_and_facebook_are_counted_and_their_link_previews_are_not(client, use):
    for name in ("Zalo (Android)", "Facebook (iOS, FBAN)", "TikTok (iOS)"):
        Client().get(reverse("home"), headers={"user-agent": IN_APP_BROWSERS[name]})
    Client().get(reverse("home"), headers={"user-agent": BOTS["Facebook's link preview"]})

    assert counter.snapshot().guests == 3


def counts_on(response) -> dict[str, int]:
    page = response.content.decode()
    return {
        name: int(value.replace(".", "")) for name, value in re.findall(r'data-count="(\w+)">([\d.]+)<', page)
    }


def test_a_lone_reader_sees_themself_on_their_first_page(client, use):
    response = client.get(reverse("home"), headers={"user-agent": BROWSER})

    assert counts_on(response) == {"guests": 1, "members": 0, "online": 1, "today": 1, "total": 1}


def test_a_new_reader_is_counted_in_a_snapshot_read_before_they_came(use, settings):
    first, second = Client(), Client()
    first.get(reverse("home"), headers={"user-agent": BROWSER})
    settings.ONLINE_COUNTER_READ_SECONDS = 60  # from now on everyone is shown the same figures
    first.get(reverse("home"), headers={"user-agent": BROWSER})  # they are read: one guest

    arriving = second.get(reverse("home"), headers={"user-agent": BROWSER})
    again = second.get(reverse("home"), headers={"user-agent": BROWSER})
    old_reader = first.get(reverse("home"), headers={"user-agent": BROWSER})

    assert counts_on(arriving)["guests"] == 2
    assert counts_on(again)["guests"] == 2  # once, not once per page
    assert counts_on(old_reader)["guests"] == 1  # the same shared figures, for everyone else


def test_a_reader_who_signs_in_is_one_member_at_once(client, use, settings):
    client.get(reverse("home"), headers={"user-agent": BROWSER})
    settings.ONLINE_COUNTER_READ_SECONDS = 60
    client.get(reverse("home"), headers={"user-agent": BROWSER})  # read and shared: one guest
    client.force_login(UserFactory())

    response = client.get(reverse("home"), headers={"user-agent": BROWSER})

    assert (counts_on(response)["guests"], counts_on(response)["members"]) == (0, 1)


def test_a_bot_is_not_shown_itself(client, use):
    response = client.get(reverse("home"), headers={"user-agent": BOTS["Googlebot"]})

    assert counts_on(response)["guests"] == 0


@pytest.fixture
def one_minute(monkeypatch):
    """The new-guest limit's clock stopped in one minute, however slowly the machine runs the requests."""
    admit, minute = counter.admit_new_guest, NOW // 60 * 60 + 1
    monkeypatch.setattr(
        counter, "admit_new_guest", lambda *, address, now: admit(address=address, now=minute)
    )


def test_a_client_without_cookies_adds_few_guests_a_minute(use, settings, one_minute):
    settings.ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE = 5
    for _ in range(40):  # a load test, or a script: never a cookie back
        Client().get(reverse("home"), headers={"user-agent": BROWSER}, REMOTE_ADDR="203.0.113.7")
    Client().get(reverse("home"), headers={"user-agent": BROWSER}, REMOTE_ADDR="203.0.113.8")

    assert counter.snapshot().guests == 6


def test_an_office_behind_one_address_is_counted_right(use, settings, one_minute):
    """30 colleagues behind one NAT arrive in the same minute; their browsers keep cookies."""
    settings.ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE = 5
    browsers = [Client(REMOTE_ADDR="203.0.113.9") for _ in range(30)]
    for browser in browsers:
        browser.get(reverse("home"), headers={"user-agent": BROWSER})
    assert counter.snapshot().guests == 5
    for browser in browsers:
        browser.get(reverse("news:list"), headers={"user-agent": BROWSER})

    assert counter.snapshot().guests == 30
    assert counter.snapshot().today == 30


@pytest.mark.parametrize("value", ["many", "-1"])
def test_a_bad_new_guest_limit_stops_start_up(value):
    from tests.council.test_settings import start_django

    result = start_django(ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE=value)

    assert result.returncode != 0
    assert "ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_a_user_agent_is_matched_once_and_remembered_within_bounds():
    counter._is_bot.cache_clear()
    padded = BROWSERS["Firefox"] + " x" * 5000  # a client sending kilobytes of user agent

    assert [counter.is_bot(BROWSERS["Firefox"]) for _ in range(3)] == [False] * 3
    assert counter.is_bot(padded) is False
    info = counter._is_bot.cache_info()
    assert (info.hits, info.misses) == (2, 2)
    assert counter._is_bot.cache_parameters()["maxsize"] == 4096


def test_the_new_guest_limit_is_per_address_and_minute(use, settings):
    settings.ONLINE_COUNTER_NEW_GUESTS_PER_MINUTE = 3
    minute = NOW - NOW % 60

    first = [counter.admit_new_guest(address="203.0.113.7", now=minute + i) for i in range(5)]
    other = counter.admit_new_guest(address="203.0.113.8", now=minute + 5)
    next_minute = counter.admit_new_guest(address="203.0.113.7", now=minute + 60)

    assert first == [True, True, True, False, False]
    assert (other, next_minute) == (True, True)


SNAPSHOT = counter.Snapshot(guests=4, members=2, today=10, total=100, at=NOW)


@pytest.mark.parametrize(
    ("cookie", "member", "shown"),
    [
        ("", None, (5, 2, 11)),  # a new reader: one more guest, one more visit
        (f"gabc.{int((NOW - 30) * 1000)}", None, (4, 2, 10)),  # already in the figures
        (f"gabc.{int((NOW + 2) * 1000)}", None, (5, 2, 10)),  # written after they were read
        (f"gabc.{int((NOW - counter.WINDOW - 1) * 1000)}", None, (5, 2, 10)),  # had left; same visit
        (
            f"gabc.{int((NOW - 30) * 1000)}",
            "m7",
            (3, 3, 11),
        ),  # a guest who just signed in (a new visit, as written)
        (f"m7.{int((NOW - 30) * 1000)}", "m7", (4, 2, 10)),  # a member already counted
        (f"m7.{int((NOW - 30) * 1000)}", None, (5, 1, 11)),  # a member who just signed out (likewise)
        (f"gabc.{int(NOW - 30)}", None, (4, 2, 10)),  # a cookie in seconds, as written before
    ],
)
def test_the_reader_is_shown_once_as_what_they_are_now(cookie, member, shown):
    reader = counter.Reader.from_cookie(cookie, member=member, user_agent=BROWSER)

    result = reader.shown_in(SNAPSHOT, now=NOW + 3)

    assert (result.guests, result.members, result.today) == shown
    assert result.total == 100 + shown[2] - 10


@pytest.mark.redis
def test_sidebar_shows_dashes_while_redis_fails(client):
    import re

    from council.shared import breaker

    breaker.redis.trip("Redis stopped")

    response = client.get("/")

    assert re.findall(r'data-count="(\w+)">([^<]*)<', response.content.decode()) == [
        (name, "—") for name in ("guests", "members", "online", "today", "total")
    ]
