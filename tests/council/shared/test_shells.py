"""Page shells: public pages rendered once, with each visitor's own parts filled in per request."""

import re

import pytest
from django.contrib import messages
from django.contrib.flatpages.models import FlatPage
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sites.models import Site

from council import article_views
from council.shared import shells
from meetings.models import Meeting
from tests.factories import ArticleFactory, MeetingFactory, UserFactory, poll_with_choices

pytestmark = pytest.mark.django_db


def csrf_inputs(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def script_nonces(html: str) -> set[str]:
    return set(re.findall(r'<script nonce="([^"]+)"', html))


def stored_shells() -> list[str]:
    """The text of every kept shell (holes and markers included)."""
    return [shells.as_text(shell) for _until, (shell, _note) in shells._kept._entries.values()]


def test_each_visitor_gets_their_own_token_and_nonce_in_the_same_page(client, django_assert_num_queries):
    poll_with_choices("Có", "Không", featured=True)
    meeting = MeetingFactory(title="Phiên họp năm 2026")
    client.get(meeting.get_absolute_url())  # renders and keeps the shell
    other = type(client)()

    with django_assert_num_queries(0):  # neither the view's queries nor the template run
        first = client.get(meeting.get_absolute_url())
    second = other.get(meeting.get_absolute_url())

    for response in (first, second):
        html = response.content.decode()
        assert "Phiên họp năm 2026" in html
        # The poll's form carries this visitor's token (the language switch is a link)...
        assert len(csrf_inputs(html)) == 1
        # ...and every script carries the nonce this response's policy names.
        (nonce,) = script_nonces(html)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert script_nonces(first.content.decode()) != script_nonces(second.content.decode())
    assert csrf_inputs(first.content.decode()) != csrf_inputs(second.content.decode())
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_the_kept_shell_holds_no_token_nonce_or_visitor(client):
    user = UserFactory(first_name="Lan", last_name="Nguyễn")
    client.force_login(user)
    response = client.get("/")
    html = response.content.decode()

    (shell,) = stored_shells()
    for secret in [*csrf_inputs(html), *script_nonces(html), "Nguyễn"]:
        assert secret in html
        assert secret not in shell


def test_members_and_guests_have_their_own_shells_and_members_their_own_header(client):
    guest = type(client)()
    client.force_login(UserFactory(first_name="Lan", last_name="Nguyễn"))

    member_page = client.get("/phien-hop/").content.decode()
    guest_page = guest.get("/phien-hop/").content.decode()

    another_member = type(client)()
    another_member.force_login(UserFactory(first_name="Minh", last_name="Trần"))
    another_page = another_member.get("/phien-hop/").content.decode()

    assert "Nguyễn" in member_page and "Đăng xuất" in member_page
    assert "Trần" in another_page and "Nguyễn" not in another_page
    assert "Xin chào" not in guest_page and "Đăng nhập thành viên" in guest_page
    # One for guests (their account links are the same: in the shell), one for
    # members (a hole where each one's name goes).
    assert len(stored_shells()) == 2


def test_a_save_shows_at_once(client):
    meeting = MeetingFactory(title="Tên cũ", status=Meeting.Status.PLANNED)
    assert "Tên cũ" in client.get(meeting.get_absolute_url()).content.decode()

    meeting.title = "Tên mới"
    meeting.save()

    assert "Tên mới" in client.get(meeting.get_absolute_url()).content.decode()


def test_saves_of_what_no_public_page_shows_keep_the_shells(client):
    client.get("/")
    version = shells.content_version()

    UserFactory()  # accounts, votes, deliveries, visit statistics

    assert shells.content_version() == version


def test_each_language_has_its_own_shell(client):
    assert "Phiên họp" in client.get("/phien-hop/").content.decode()
    english = client.get("/en/phien-hop/").content.decode()

    assert 'lang="en"' in english
    assert len(stored_shells()) == 2


def test_messages_reach_a_page_served_from_its_shell(client, rf):
    client.get("/phien-hop/")  # the shell is kept, with no message in it
    # A message left by the previous request, as MessageMiddleware stores it.
    storage = CookieStorage(rf.get("/"))
    message = Message(messages.SUCCESS, "Đã gửi ý kiến của bạn.")
    client.cookies[storage.cookie_name] = storage._encode([message])

    shown = client.get("/phien-hop/").content.decode()
    after = client.get("/phien-hop/").content.decode()

    assert "Đã gửi ý kiến của bạn." in shown
    assert "Đã gửi ý kiến của bạn." not in after  # shown once, as messages are


def test_an_article_served_from_its_shell_still_counts_its_view(client, django_assert_num_queries):
    article = ArticleFactory()
    client.get(article.get_absolute_url(), headers={"user-agent": "Trình duyệt A"})  # renders the shell

    with django_assert_num_queries(0):
        client.get(article.get_absolute_url(), headers={"user-agent": "Trình duyệt B"})

    assert article_views.pending(article.pk) == 2


def test_the_councils_own_pages_come_from_shells_and_show_edits_at_once(client, django_assert_num_queries):
    page = FlatPage.objects.create(
        url="/gioi-thieu/", title="Giới thiệu", content="<p>Thành lập năm 2011.</p>"
    )
    page.sites.add(Site.objects.get_current())
    assert "Thành lập năm 2011." in client.get("/gioi-thieu/").content.decode()

    with django_assert_num_queries(0):
        client.get("/gioi-thieu/")
    page.content = "<p>Thành lập năm 2011 tại Đà Nẵng.</p>"
    page.save()

    assert "tại Đà Nẵng" in client.get("/gioi-thieu/").content.decode()


def test_a_council_page_for_members_only_still_sends_guests_to_log_in(client):
    page = FlatPage.objects.create(url="/lien-he/", title="Liên hệ", content="<p>Số nội bộ.</p>")
    page.sites.add(Site.objects.get_current())
    member = type(client)()
    member.force_login(UserFactory())
    page.registration_required = True
    page.save()

    assert "Số nội bộ." in member.get("/lien-he/").content.decode()
    assert "Số nội bộ." in member.get("/lien-he/").content.decode()  # from the members' shell
    response = client.get("/lien-he/")
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_shells_are_this_processs_own_and_last_a_second_while_redis_fails(client):
    from council.shared import breaker

    meeting = MeetingFactory(title="Phiên họp năm 2026")
    breaker.redis.trip("Redis stopped")
    client.get(meeting.get_absolute_url())

    meeting.title = "Phiên họp thường niên năm 2026"
    meeting.save()  # a save in this process shows at once, as ever
    response = client.get(meeting.get_absolute_url())

    assert "Phiên họp thường niên năm 2026" in response.content.decode()
    # No process can learn of another's saves now: a version of this process's own, changing every second.
    assert re.fullmatch(r"local:\d+:\d+", shells.content_version())
