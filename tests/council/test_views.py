import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAVIGATION = [
    "Trang chủ",
    "Giới thiệu",
    "Thành viên",
    "Phiên họp",
    "Thỏa thuận hợp tác",
    "Tin tức",
    "Liên hệ",
]


def test_home_shows_the_vietnamese_shell(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    for label in NAVIGATION:
        assert f">{label}</a>" in page
    assert "Thống kê truy cập" in page
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page


def test_home_switches_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert ">News</a>" in response.content.decode()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_server_error_page_renders_without_a_request(rf):
    from council.errors import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "máy chủ đang gặp sự cố" in response.content.decode()


def test_hello_is_the_plainest_view(client):
    response = client.get(reverse("hello"))

    assert (response.status_code, response.content) == (200, b"hello")


def test_flat_pages_are_served_from_the_database(client, django_db_setup):
    from council.demo import site

    site.load()

    response = client.get(reverse("about"))

    assert response.status_code == 200
    assert "Giới thiệu" in response.content.decode()


def test_browser_language_does_not_override_vietnamese(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"
