"""Test helpers for meeting notices: an SMTP server in this process, eager Celery, council members."""

import asyncio
import email
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.core import signing

from meetings.notice_rsvp import rsvp_token
from meetings.notice_send import send_notice
from tests.factories import MembershipFactory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ScriptedHandler:
    """An SMTP server's DATA answers, scripted per recipient; "250 ..." stores the message.

    `replies[address]` is a list of answers used one per attempt (then 250);
    `delay` seconds pass between taking a message and answering, to keep it in flight.
    """

    replies: dict[str, list[str]] = field(default_factory=dict)
    delay: float = 0.0
    received: list[email.message.Message] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            (address,) = envelope.rcpt_tos
            script = self.replies.get(address, [])
            reply = script.pop(0) if script else "250 2.0.0 Message accepted for delivery"
            if reply.startswith("250"):
                self.received.append(email.message_from_bytes(envelope.content))
        # The worst moment to lose a client: the message is taken, the answer not yet given.
        if self.delay:
            await asyncio.sleep(self.delay)
        return reply

    def message_ids(self) -> list[str]:
        with self.lock:
            return [message["Message-ID"] for message in self.received]


@pytest.fixture
def smtp_server():
    """An SMTP server on a free loopback port, in a thread of this process."""
    handler = ScriptedHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_mailer(settings, smtp_server):
    """Django's mail goes to `smtp_server` (the default test mailer collects mail.outbox instead)."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5},
        }
    }
    return smtp_server


def council_members(count: int, **member_fields):
    """`count` members sitting on the council (a current membership each)."""
    members = []
    for _ in range(count):
        membership = MembershipFactory(**{f"member__{k}": v for k, v in member_fields.items()})
        members.append(membership.member)
    return members


def old_rsvp_token(monkeypatch, *, days: int, **ids) -> str:
    """An RSVP token signed `days` ago."""
    signed_at = time.time() - days * 86400
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: signed_at)
        return rsvp_token(**ids)


def send_now(notice, capture_on_commit_callbacks) -> int:
    """Send `notice` and run what waits for the commit (its deliveries, inline); how many were queued."""
    with capture_on_commit_callbacks(execute=True):
        return send_notice(notice=notice)
