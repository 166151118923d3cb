"""Member accounts: invitation, setting the password once, logging in and out."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from members import services
from tests.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def invitation_link() -> str:
    (message,) = mail.outbox
    return re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-mat-khau/\S+/)", message.body).group(1)


def test_invite_member_creates_an_account_and_mails_a_link(django_capture_on_commit_callbacks):
    member = MemberFactory(full_name="Lê Sỹ Minh", email="le-sy-minh@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_member(member=member)

    member.refresh_from_db()
    assert member.user == user
    assert user.username == "le-sy-minh@example.org"
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["le-sy-minh@example.org"]
    assert message.subject == "Mời đăng nhập trang thông tin Hội đồng Giám đốc CNTT"
    assert "Kính gửi Lê Sỹ Minh," in message.body
    assert message.alternatives[0].mimetype == "text/html"


def test_invitation_link_sets_the_password_once_then_the_member_logs_in(
    client, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="member@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(member=member)
    link = invitation_link()

    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Hoi-dong-2017!", "new_password2": "Hoi-dong-2017!"}, follow=True
    )
    client.post(reverse("logout"))
    reused = client.get(link, follow=True)
    login = client.post(
        reverse("login"), {"username": "member@example.org", "password": "Hoi-dong-2017!"}, follow=True
    )

    assert "Mật khẩu đã được lưu" in done.content.decode()
    assert "không hợp lệ" in reused.content.decode()
    assert login.context["user"].member == member


def test_invitation_link_expires(client, settings, django_capture_on_commit_callbacks, time_machine=None):
    import datetime
    from unittest import mock

    member = MemberFactory(email="late@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(member=member)
    link = invitation_link()
    settings.PASSWORD_RESET_TIMEOUT = 60
    later = datetime.datetime.now() + datetime.timedelta(seconds=120)

    # The token generator reads the clock through its _now(): move it forward.
    with mock.patch("django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=later):
        page = client.get(link, follow=True)

    assert "không hợp lệ" in page.content.decode()


def test_invite_member_refuses_twice_and_without_email():
    member = MemberFactory(user=UserFactory())
    nameless = MemberFactory(email="")

    with pytest.raises(services.AlreadyInvited):
        services.invite_member(member=member)
    with pytest.raises(services.MissingEmail):
        services.invite_member(member=nameless)


def test_account_pages_are_in_vietnamese(client):
    user = UserFactory()
    client.force_login(user)

    change = client.get(reverse("password_change"))
    reset = client.get(reverse("password_reset"))

    assert "Đổi mật khẩu" in change.content.decode()
    assert "Quên mật khẩu" in reset.content.decode()


def test_header_shows_who_is_logged_in(client):
    client.force_login(UserFactory(first_name="Minh", last_name="Lê Sỹ"))

    assert '<strong class="text-white">Minh Lê Sỹ</strong>' in client.get("/").content.decode()
