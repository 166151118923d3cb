"""Login throttling (django-axes): by username and client IP together."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username: str, password: str, ip: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failures_lock_that_user_from_that_address_only(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="minh")
    UserFactory(username="van")

    for _ in range(3):
        attempt(client, "minh", "sai-mat-khau", "10.1.1.1")
    locked = attempt(client, "minh", "mat-khau-thu-nghiem", "10.1.1.1")
    colleague = attempt(client, "van", "mat-khau-thu-nghiem", "10.1.1.1")  # same provincial NAT
    elsewhere = attempt(client, "minh", "mat-khau-thu-nghiem", "10.2.2.2")

    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_admin_login_is_throttled_too(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="admin", is_staff=True)

    for _ in range(2):
        client.post("/admin/login/", {"username": "admin", "password": "sai"}, REMOTE_ADDR="10.3.3.3")
    response = client.post(
        "/admin/login/", {"username": "admin", "password": "mat-khau-thu-nghiem"}, REMOTE_ADDR="10.3.3.3"
    )

    assert response.status_code == 429
