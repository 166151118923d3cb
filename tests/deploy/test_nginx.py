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
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from meetings.models import Document
from tests.factories import MeetingFactory, poll_with_choices

NGINX = "/usr/sbin/nginx"
DEPLOY = Path(settings.BASE_DIR) / "deploy" / "nginx"
HOST = "hoidong.example.org"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not os.path.exists(NGINX), reason="needs nginx: apt-get install nginx"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_site(text: str, *, http_port: int, https_port: int, upstream: int, root: Path) -> str:
    """The shipped site with its placeholders pointed at `root` and the test's ports."""
    text = re.sub(r"listen \[::\]:\d+[^;]*;", "", text)
    text = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", text)
    text = re.sub(r"listen 443\b", f"listen 127.0.0.1:{https_port}", text)
    for placeholder, value in {
        f"/etc/ssl/certs/{HOST}.pem": root / "tls" / "site.pem",
        f"/etc/ssl/private/{HOST}.key": root / "tls" / "site.key",
        "/srv/council/staticfiles/": f"{root / 'static'}/",
        "/srv/council/media/": f"{root / 'media'}/",
        "/srv/council/app/deploy/nginx/errors/": f"{DEPLOY / 'errors'}/",
        "/etc/nginx/snippets/council-headers.conf": DEPLOY / "council-headers.conf",
        "/var/log/nginx/": f"{root / 'logs'}/",
        "/var/www/letsencrypt": root / "acme",
        "127.0.0.1:8000": f"127.0.0.1:{upstream}",
    }.items():
        assert placeholder in text, placeholder
        text = text.replace(placeholder, str(value))
    return text


def nginx_conf(root: Path) -> str:
    """A minimal main configuration around the site, as Debian's nginx.conf includes it."""
    temp = root / "temp"
    return f"""
user root;
worker_processes 1;
pid {root / "nginx.pid"};
error_log {root / "logs" / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {root / "council.conf"};
}}
"""


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def stop(process: subprocess.Popen) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"{what} exited with {process.returncode}\n{log.read_text(errors='replace')}"
            )
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port}\n{log.read_text(errors='replace')}")


@dataclass
class Front:
    root: Path
    http_port: int
    https_port: int
    upstream: int
    manifest: dict[str, str]
    context: ssl.SSLContext


@pytest.fixture(scope="module")
def front(tmp_path_factory, django_db_setup, django_db_blocker):
    root = tmp_path_factory.mktemp("front")
    for folder in ("tls", "static", "media", "logs", "acme", "temp"):
        (root / folder).mkdir()
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
            "-keyout", str(root / "tls" / "site.key"), "-out", str(root / "tls" / "site.pem"),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with django_db_blocker.unblock():
        url = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": "",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": f"nginx-test-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "TRUSTED_PROXY_COUNT": "1",
        "DJANGO_BEHIND_HTTPS_PROXY": "true",
        "DJANGO_SECURE_SSL_REDIRECT": "true",
        "DJANGO_SECURE_COOKIES": "true",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_STATIC_MANIFEST": "true",
        "DJANGO_SERVE_MEDIA": "false",
        "PRIVATE_MEDIA_ACCEL_PREFIX": "/_private_media/",
        "STATIC_ROOT": str(root / "static"),
        "MEDIA_ROOT": str(root / "media"),
        "POLLS_VOTES_PER_MINUTE": "3",
        "PAGE_SHELL_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    gunicorn_log = root / "logs" / "gunicorn.log"
    with gunicorn_log.open("w") as log:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "council.wsgi", "--bind", f"127.0.0.1:{upstream}",
             "--workers", "1", "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    site = render_site(
        (DEPLOY / "council.conf").read_text(),
        http_port=http_port,
        https_port=https_port,
        upstream=upstream,
        root=root,
    )
    (root / "council.conf").write_text(site)
    (root / "nginx.conf").write_text(nginx_conf(root))
    nginx_log = root / "logs" / "nginx.out"
    try:
        wait_for_port(upstream, gunicorn, "gunicorn", gunicorn_log)
        checked = subprocess.run(
            [
                NGINX,
                "-t",
                "-p",
                str(root),
                "-c",
                str(root / "nginx.conf"),
                "-e",
                str(root / "logs" / "error.log"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        with nginx_log.open("w") as log:
            nginx = subprocess.Popen(
                [NGINX, "-p", str(root), "-c", str(root / "nginx.conf"), "-e", str(root / "logs" / "error.log"),
                 "-g", "daemon off;"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        try:
            wait_for_port(https_port, nginx, "nginx", nginx_log)
            manifest = json.loads((root / "static" / "staticfiles.json").read_text())["paths"]
            context = ssl.create_default_context(cafile=str(root / "tls" / "site.pem"))
            yield Front(root, http_port, https_port, upstream, manifest, context)
        finally:
            stop(nginx)
    finally:
        stop(gunicorn)


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
