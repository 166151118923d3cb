"""The shipped nginx site (deploy/nginx/) in front of gunicorn, checked through HTTPS.

Debian's nginx runs as root in the foreground with the site rendered for a
temporary directory: a self-signed certificate made here, high ports on
127.0.0.1, its own pid, logs and temporary files. gunicorn serves the test
database (PostgreSQL) with the production settings a provincial host uses
behind nginx. The test client connects from 127.0.0.2 (and .3, .4): any
address on the loopback network works, so the address the site sees can be
told apart from nginx's own (127.0.0.1).
"""

import http.client
import http.cookies
import os
import re
import socket
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.core.files.base import ContentFile

from meetings.models import Document
from tests.deploy.nginx_front import HOST, NGINX, Front, running_front
from tests.factories import MeetingFactory, poll_with_choices
from tests.live_gunicorn import url_of_test_database

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not os.path.exists(NGINX), reason="needs nginx: apt-get install nginx"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module")
def front(tmp_path_factory, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = url_of_test_database()
    with running_front(tmp_path_factory.mktemp("front"), database=url) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    @property
    def text(self) -> str:
        return self.body.decode()


class TLSConnection(http.client.HTTPSConnection):
    """HTTPS to 127.0.0.1 with the site's name in SNI, Host and the certificate check."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


@dataclass
class Visitor:
    """A browser at one loopback address, keeping its cookies."""

    front: Front
    address: str = "127.0.0.2"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, body: bytes | None = None, headers=None) -> Answer:
        connection_ = TLSConnection(
            HOST,
            self.front.https_port,
            context=self.front.context,
            timeout=30,
            source_address=(self.address, 0),
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection_.request(method, path, body=body, headers=headers)
            response = connection_.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection_.close()
        for header in answer.header_values("Set-Cookie"):
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return answer

    def get(self, path: str, **headers) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict[str, str], *, page: str, **headers) -> Answer:
        form = self.get(page).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        return self.request(
            "POST",
            path,
            body=urlencode({"csrfmiddlewaretoken": token, **data}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{page}",
                **headers,
            },
        )


@pytest.fixture
def media(front, settings):
    """Files saved by the test land where gunicorn and nginx look for them."""
    settings.MEDIA_ROOT = front.root / "media"
    return front.root / "media"


def test_pages_come_over_https_with_the_edge_headers_once(front):
    answer = Visitor(front).get("/", **{"Accept-Encoding": "gzip"})

    assert answer.status == 200
    assert answer.header_values("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]
    assert answer.header_values("X-Content-Type-Options") == ["nosniff"]
    assert answer.header_values("X-Frame-Options") == ["DENY"]
    assert answer.header_values("Referrer-Policy") == ["strict-origin-when-cross-origin"]
    assert len(answer.header_values("Content-Security-Policy")) == 1  # Django's, with the page's nonce
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Server"] == "nginx"  # no version number


def test_plain_http_is_sent_to_https_and_unknown_hosts_are_dropped(front):
    plain = http.client.HTTPConnection("127.0.0.1", front.http_port, timeout=10)
    plain.request("GET", "/tin-tuc/?trang=2", headers={"Host": HOST})
    response = plain.getresponse()
    plain.close()
    stranger = http.client.HTTPConnection("127.0.0.1", front.http_port, timeout=10)
    stranger.request("GET", "/", headers={"Host": "203.0.113.9"})

    assert (response.status, response.headers["Location"]) == (301, f"https://{HOST}/tin-tuc/?trang=2")
    with pytest.raises(http.client.RemoteDisconnected):
        stranger.getresponse()  # 444: nginx closes the connection without an answer
    stranger.close()


def test_hashed_static_files_are_cached_for_a_year_and_sent_compressed(front):
    visitor = Visitor(front)
    page = visitor.get("/").text
    hashed = front.manifest["css/site.css"]
    answer = visitor.get(f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    plain_name = visitor.get("/static/css/site.css")

    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert f"/static/{hashed}" in page  # the pages link the hashed name
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"  # the .gz written by collectstatic
    assert answer.header_values("X-Content-Type-Options") == ["nosniff"]
    assert plain_name.headers["Cache-Control"] == "public, max-age=3600"


def test_public_media_is_served_by_nginx_and_private_media_never(front, media):
    (media / "photos").mkdir(exist_ok=True)
    (media / "photos" / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (media / "private" / "documents").mkdir(parents=True, exist_ok=True)
    (media / "private" / "documents" / "mat.pdf").write_bytes(PDF)
    visitor = Visitor(front)

    photo = visitor.get("/media/photos/anh.jpg")

    assert (photo.status, photo.body) == (200, b"\xff\xd8\xff\xe0 not really a jpeg")
    assert photo.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert visitor.get("/media/private/documents/mat.pdf").status == 404
    assert visitor.get("/media/private/../private/documents/mat.pdf").status in {400, 404}
    assert visitor.get("/_private_media/documents/mat.pdf").status == 404  # internal only


def test_the_site_sees_the_visitors_address_not_nginx_s(front):
    """The login throttle and the poll's rate limit key on the visitor's address."""
    visitor = Visitor(front, address="127.0.0.2")
    visitor.post_form(
        "/tai-khoan/dang-nhap/",
        {"username": "khong-co-ai", "password": "sai-mat-khau"},
        page="/tai-khoan/dang-nhap/",
    )

    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("khong-co-ai", "127.0.0.2")]

    poll, _choices = poll_with_choices("Có", "Không")
    if time.time() % 60 > 50:  # the limit counts per minute: start in a fresh one
        time.sleep(61 - time.time() % 60)
    first, other = Visitor(front, address="127.0.0.3"), Visitor(front, address="127.0.0.4")
    page = f"/binh-chon/{poll.slug}/"

    # No choice sent: each attempt is refused (a message, then back to the poll) but counted,
    # and a different forged X-Forwarded-For on each changes nothing.
    statuses = [
        first.post_form(f"{page}binh-chon/", {}, page=page, **{"X-Forwarded-For": f"198.51.100.{n}"}).status
        for n in range(4)
    ]
    neighbour = other.post_form(f"{page}binh-chon/", {}, page=page)

    assert statuses == [302, 302, 302, 429]
    assert neighbour.status == 302  # another address has its own allowance


def test_an_upload_over_the_limit_is_refused_by_nginx_with_a_readable_page(front):
    visitor = Visitor(front)
    connection_ = TLSConnection(HOST, front.https_port, context=front.context, timeout=30)
    connection_.putrequest("POST", "/admin/meetings/document/add/")
    connection_.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection_.putheader("Content-Length", str(31 * 1024 * 1024))
    connection_.endheaders()
    with suppress(BrokenPipeError, ConnectionResetError):
        connection_.send(b"--x\r\n" + b"0" * 65536)
    response = connection_.getresponse()
    page = response.read().decode()
    connection_.close()

    assert response.status == 413
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Tệp gửi lên quá lớn</h1>" in page
    assert "tối đa 30 MB" in page
    assert visitor.get("/").status == 200  # and the site is unharmed


def published_document(*, published: bool) -> Document:
    meeting = MeetingFactory()
    return Document.objects.create(
        meeting=meeting,
        number="08/HĐCNTT",
        title="Báo cáo tình hình ứng dụng CNTT",
        slug=f"bao-cao-{uuid.uuid4().hex[:6]}",
        file=ContentFile(PDF, name="bao-cao.pdf"),
        published=published,
    )


def test_a_draft_s_document_is_refused_by_the_site(front, media):
    document = published_document(published=False)

    assert Visitor(front).get(document.get_absolute_url()).status == 404


def test_a_public_document_is_sent_by_nginx_through_x_accel_redirect(front, media):
    document = published_document(published=True)
    direct = http.client.HTTPConnection("127.0.0.1", front.upstream, timeout=10)
    direct.request("GET", document.get_absolute_url(), headers={"Host": HOST, "X-Forwarded-Proto": "https"})
    from_django = direct.getresponse()
    django_body = from_django.read()
    direct.close()

    answer = Visitor(front).get(document.get_absolute_url())

    accel = from_django.headers["X-Accel-Redirect"]
    assert accel is not None and accel.startswith("/_private_media/")
    assert django_body == b""  # Django names the file; nginx sends it
    assert (media / "private" / accel.removeprefix("/_private_media/")).read_bytes() == PDF
    assert answer.status == 200
    assert answer.body == PDF
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "X-Accel-Redirect" not in answer.headers


def test_a_draft_s_document_file_is_not_reachable_at_any_address(front, media):
    document = published_document(published=False)
    stored = Path(document.file.path).resolve()
    visitor = Visitor(front)

    relative = stored.relative_to((media / "private").resolve())  # kept under MEDIA_ROOT/private/
    assert visitor.get(f"/media/private/{relative}").status == 404
    assert visitor.get(f"/_private_media/{relative}").status == 404
    assert visitor.get(f"/media/{stored.relative_to(media.resolve())}").status == 404
