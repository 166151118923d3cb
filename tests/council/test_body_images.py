"""Images in an article's body: uploaded from the editor, checked and re-encoded like a cover."""

import io
import re
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from council.shared import uploads
from council.shared.sanitize import clean_html
from tests.factories import SecretariatFactory, UserFactory, png_bytes

pytestmark = pytest.mark.django_db

URL = reverse("admin:council_article_body_image")
PICKER = f"{URL}?CKEditorFuncNum=-1"


def secretariat_user():
    user = SecretariatFactory()
    return user


@pytest.fixture
def secretariat(client):
    client.force_login(secretariat_user())
    return client


def png_with_hidden_text() -> bytes:
    """A real PNG carrying a text chunk and a script after its end: neither may survive."""
    data = png_bytes((300, 200))
    chunk = b"tEXtComment\x00<script>alert(1)</script>"
    text = struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = data.rindex(b"IEND") - 4
    return data[:end] + text + data[end:] + b"<script>alert(2)</script>"


def stored(html: str) -> dict:
    tag = re.search(r'<div id="body-image-stored"([^>]*)>', html)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag[1]))


def test_picker_page_states_the_limits(secretariat):
    response = secretariat.get(PICKER)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ảnh JPEG, PNG, WebP hoặc GIF; tối đa 10,0\u00a0MB và 40 triệu điểm ảnh." in html
    assert 'data-max-pixels="40000000"' in html
    assert "js/admin-uploads.js" in html
    assert "js/admin-body-image.js" in html


def test_upload_is_re_encoded_and_handed_to_the_editor(secretariat):
    upload = SimpleUploadedFile("toan canh.png", png_with_hidden_text(), content_type="image/png")

    response = secretariat.post(PICKER, {"image": upload, "alt": "Toàn cảnh", "caption": "Phiên họp 2017"})

    answer = stored(response.content.decode())
    name = answer["url"].removeprefix(settings.MEDIA_URL)
    with default_storage.open(name) as file:
        content = file.read()
    image = Image.open(io.BytesIO(content))
    assert response.status_code == 200
    assert answer == {
        "func-num": "-1",
        "url": f"/media/news/body/{timezone.now():%Y}/toan-canh.jpg",
        "alt": "Toàn cảnh",
        "caption": "Phiên họp 2017",
    }
    assert (image.format, image.size) == ("JPEG", (300, 200))
    assert b"script" not in content
    assert b"Comment" not in content


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "Tệp tải lên không phải là ảnh hợp lệ."),
        (png_bytes((60, 40))[:80], "Tệp tải lên không phải là ảnh hợp lệ."),
        (png_bytes((120, 100)), "Ảnh có quá nhiều điểm ảnh; giới hạn là 0 triệu."),
    ],
    ids=["html", "truncated", "too-many-pixels"],
)
def test_bad_files_are_refused_in_vietnamese(secretariat, monkeypatch, content, message):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 10_000)
    upload = SimpleUploadedFile("anh.png", content, content_type="image/png")

    response = secretariat.post(PICKER, {"image": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "body-image-stored" not in html
    assert not (settings.MEDIA_ROOT / "news").exists()


def test_a_too_large_file_is_refused_in_vietnamese(secretariat, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_BYTES", 1000)
    upload = SimpleUploadedFile("lon.png", png_bytes((400, 400)), content_type="image/png")

    html = secretariat.post(PICKER, {"image": upload}).content.decode()

    assert re.search(r"Ảnh quá lớn \([\d,]+\u00a0KB\); giới hạn là 1000\u00a0byte", html)
    assert not (settings.MEDIA_ROOT / "news").exists()


@pytest.mark.parametrize(
    ("kind", "status"), [("anonymous", 302), ("member", 302), ("staff without rights", 403)]
)
def test_only_staff_who_write_articles_may_upload(client, kind, status):
    if kind == "member":
        client.force_login(UserFactory())
    elif kind == "staff without rights":
        client.force_login(UserFactory(is_staff=True))
    upload = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")

    response = client.post(PICKER, {"image": upload})

    assert response.status_code == status
    assert not (settings.MEDIA_ROOT / "news").exists()


def test_upload_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat_user())
    upload = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")

    response = client.post(PICKER, {"image": upload})

    assert response.status_code == 403
    assert not (settings.MEDIA_ROOT / "news").exists()


def test_a_bad_callback_number_is_dropped(secretariat):
    upload = SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")

    response = secretariat.post(f"{URL}?CKEditorFuncNum=1);alert(1", {"image": upload})

    assert stored(response.content.decode())["func-num"] == ""


def test_article_editor_offers_the_upload(secretariat):
    html = secretariat.get(reverse("admin:council_article_add")).content.decode()

    assert (
        "&quot;Figure&quot;:{&quot;pickerUrl&quot;:&quot;/admin/council/article/anh-trong-bai/&quot;}" in html
    )


def test_the_editor_figure_is_kept_by_the_sanitiser():
    html = (
        '<figure class="figure"><img src="/media/news/body/2026/a.jpg" alt="Toàn cảnh" data-file="">'
        '<figcaption class="figure-caption">Phiên họp&nbsp;</figcaption></figure>'
    )

    assert clean_html(html) == (
        '<figure><img src="/media/news/body/2026/a.jpg" alt="Toàn cảnh"><figcaption>Phiên họp</figcaption></figure>'
    )
