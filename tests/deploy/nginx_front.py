"""The shipped nginx site in front of gunicorn, run for tests/deploy/test_nginx.py.

Debian's nginx runs as root in the foreground with the site rendered for a
temporary directory: a self-signed certificate made here, high ports on
127.0.0.1, its own pid, logs and temporary files. gunicorn serves the test
database (PostgreSQL) with the production settings a provincial host uses
behind nginx.
"""

import contextlib
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from bench import harness

NGINX = "/usr/sbin/nginx"
DEPLOY = Path(settings.BASE_DIR) / "deploy" / "nginx"
HOST = "hoidong.example.org"


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


@contextlib.contextmanager
def running_front(root: Path, *, database: str) -> Iterator[Front]:
    """nginx and gunicorn serving `database`, with everything they write under `root`; stopped on exit."""
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
    env = {
        **os.environ,
        "DATABASE_URL": database,
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
    upstream, http_port, https_port = harness.free_port(), harness.free_port(), harness.free_port()
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
            harness.stop(nginx)
    finally:
        harness.stop(gunicorn)
