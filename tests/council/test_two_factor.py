"""Two-factor sign-in to the admin: superusers and the secretariat give a one-time code."""

import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from council.two_factor import needs_second_factor
from tests.factories import MemberFactory, SecretariatFactory, UserFactory, enrol_totp, totp_code

PASSWORD = "mat-khau-thu-nghiem"
ADMIN = "/admin/"


def secretary(username="thu-ky"):
    user = SecretariatFactory(username=username)
    return user


def sign_in(client, user, code=None):
    data = {"username": user.username, "password": PASSWORD, "next": ADMIN}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login"), data)


def in_admin(client) -> bool:
    return client.get(ADMIN).status_code == 200


def recovery_codes(user) -> list[str]:
    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


@pytest.mark.django_db
def test_who_needs_a_second_factor():
    member = MemberFactory(user=UserFactory(username="thanh-vien")).user
    assert needs_second_factor(secretary()) is True
    assert needs_second_factor(UserFactory(username="quan-tri", is_staff=True, is_superuser=True)) is True
    assert needs_second_factor(UserFactory(username="nhan-vien", is_staff=True)) is False
    assert needs_second_factor(member) is False


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["secretariat", "superuser"])
def test_password_alone_does_not_open_the_admin(client, kind):
    user = (
        secretary()
        if kind == "secretariat"
        else UserFactory(username="quan-tri", is_staff=True, is_superuser=True)
    )
    enrol_totp(user)
    response = sign_in(client, user)
    assert response.status_code == 200
    assert "Tài khoản này cần mã xác thực" in response.content.decode()
    assert in_admin(client) is False


@pytest.mark.django_db
def test_a_valid_code_opens_the_admin_and_a_wrong_one_does_not(client):
    user = secretary()
    device = enrol_totp(user)
    wrong = sign_in(client, user, "000000" if totp_code(device) != "000000" else "111111")
    assert "Mã xác thực không đúng hoặc đã hết hạn." in wrong.content.decode()
    assert in_admin(client) is False
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's delay after the failure, skipped here
    device.throttling_failure_timestamp = None
    device.save()
    response = sign_in(client, user, totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == ADMIN
    assert in_admin(client) is True


@pytest.mark.django_db
def test_a_code_is_not_accepted_twice(client):
    user = secretary()
    device = enrol_totp(user)
    code = totp_code(device)
    assert sign_in(client, user, code).status_code == 302
    client.logout()
    assert sign_in(client, user, code).status_code == 200
    assert in_admin(client) is False


@pytest.mark.django_db
def test_a_recovery_code_works_once(client):
    user = secretary()
    out = io.StringIO()
    call_command("enrol_two_factor", user.username, stdout=out)
    codes = recovery_codes(user)
    assert len(codes) == 10
    assert all(code in out.getvalue() for code in codes)
    assert sign_in(client, user, codes[0].upper()).status_code == 302
    assert in_admin(client) is True
    client.logout()
    assert sign_in(client, user, codes[0]).status_code == 200
    assert in_admin(client) is False
    assert sorted(recovery_codes(user)) == sorted(codes[1:])


@pytest.mark.django_db
def test_enrolment_replaces_the_app_and_prints_its_link():
    user = secretary()
    out = io.StringIO()
    call_command("enrol_two_factor", user.username, stdout=out)
    first = TOTPDevice.objects.get(user=user)
    assert "otpauth://totp/" in out.getvalue()
    call_command("enrol_two_factor", user.username, stdout=io.StringIO())
    second = TOTPDevice.objects.get(user=user)
    assert second.pk != first.pk and second.key != first.key
    codes = recovery_codes(user)
    call_command("enrol_two_factor", user.username, "--recovery-only", stdout=io.StringIO())
    assert TOTPDevice.objects.get(user=user).pk == second.pk
    assert set(recovery_codes(user)).isdisjoint(codes)


@pytest.mark.django_db
def test_without_an_enrolled_app_the_admin_stays_shut_with_a_reason(client):
    user = secretary()
    response = sign_in(client, user, "123456")
    assert "chưa đăng ký ứng dụng xác thực" in response.content.decode()
    assert in_admin(client) is False


@pytest.mark.django_db
def test_a_session_from_the_members_login_is_not_enough_for_the_admin(client):
    user = secretary()
    enrol_totp(user)
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_other_staff_and_members_are_not_asked(client):
    staff = UserFactory(username="nhan-vien", is_staff=True)
    assert sign_in(client, staff).status_code == 302
    member = MemberFactory(user=UserFactory(username="thanh-vien")).user
    client.logout()
    response = client.post(reverse("login"), {"username": member.username, "password": PASSWORD})
    assert response.status_code == 302
    assert TOTPDevice.objects.count() == 0


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_login_lockout(client, settings):
    user = secretary()
    device = enrol_totp(user)
    good = totp_code(device)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user, "999999" if good != "999999" else "888888")
    assert (
        AccessAttempt.objects.get(username=user.username).failures_since_start == settings.AXES_FAILURE_LIMIT
    )
    response = sign_in(client, user, good)
    assert response.status_code == 429
    assert in_admin(client) is False


@pytest.mark.django_db
def test_the_login_page_asks_for_the_code_in_vietnamese(client):
    body = client.get(reverse("admin:login")).content.decode()
    assert "Mã xác thực" in body
    assert 'autocomplete="one-time-code"' in body
