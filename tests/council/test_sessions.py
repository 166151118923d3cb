"""Members' sessions (in Redis) while Redis is unreachable: a guest for now, told so, back afterwards."""

import pytest
from django.conf import settings

from council.shared import breaker
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]

SIGN_IN_AGAIN = (
    "Hệ thống tạm thời không đọc được phiên đăng nhập của bạn. Vui lòng đăng nhập lại sau ít phút."
)


def test_session_lost_to_redis_says_sign_in_again_and_keeps_the_cookie(client):
    client.force_login(UserFactory(first_name="Lan"))
    breaker.redis.trip("Redis stopped")

    response = client.get("/")

    assert response.status_code == 200
    assert SIGN_IN_AGAIN in response.content.decode()
    assert "Xin chào" not in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # neither deleted nor replaced


def test_session_is_back_with_redis(client):
    client.force_login(UserFactory(first_name="Lan"))
    breaker.redis.trip("Redis stopped")
    client.get("/")
    breaker.redis.reset()

    response = client.get("/")

    assert "Xin chào" in response.content.decode()
    assert SIGN_IN_AGAIN not in response.content.decode()


def test_guest_without_a_session_is_told_nothing(client):
    breaker.redis.trip("Redis stopped")

    response = client.get("/")

    assert response.status_code == 200
    assert SIGN_IN_AGAIN not in response.content.decode()


def test_signing_in_while_redis_fails_is_no_error(client):
    UserFactory(username="lan", password="mat-khau-thu-nghiem")
    breaker.redis.trip("Redis stopped")

    response = client.post("/tai-khoan/dang-nhap/", {"username": "lan", "password": "mat-khau-thu-nghiem"})

    assert response.status_code == 302
    assert SIGN_IN_AGAIN in client.get("/").content.decode()
