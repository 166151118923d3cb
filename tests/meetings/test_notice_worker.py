"""Notices through a real Celery worker (a subprocess) on Redis and PostgreSQL, to an SMTP server here.

The worker runs `celery -A council worker -B` against the test database, with
short retry and sweep periods. Every wait has a time-out and every worker is
stopped (its whole process group) whatever happens.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db.models import Count

from meetings.models import Delivery, Notice
from meetings.notice_send import send_notice
from tests.factories import NoticeFactory
from tests.live_gunicorn import url_of_test_database
from tests.meetings.notice_helpers import council_members

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
]

BASE_DIR = Path(settings.BASE_DIR)
UNFINISHED = ("queued", "sending")


def purge_broker() -> None:
    """Forget messages of earlier runs: the default queue and the unacknowledged set."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{tail}")


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM) -> None:
    """Stop a worker and its children (pool processes, embedded beat).

    SIGTERM goes to the main process only (a warm shutdown: it lets the running
    task finish); SIGKILL to the whole group, as a crash would.
    """
    if process.poll() is None:
        try:
            if sig == signal.SIGKILL:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
    process.wait(timeout=15)


@contextmanager
def celery_worker(tmp_path: Path, *, smtp_port: int, name: str) -> Iterator[subprocess.Popen]:
    """A worker with embedded beat on the test database; stopped on exit, whatever happened."""
    env = {
        **os.environ,
        "DATABASE_URL": url_of_test_database(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHE_KEY_PREFIX,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "10",
        "NOTICE_RETRY_SECONDS": "1",
        "NOTICE_STUCK_SECONDS": "3",
        "NOTICE_SWEEP_SECONDS": "1",
        "DATABASE_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / f"{name}.log"
    command = [sys.executable, "-m", "celery", "-A", "council", "worker", "-B"]
    command += ["--schedule", str(tmp_path / f"{name}-beat"), "--concurrency", "1", "--loglevel", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname", f"{name}@%h"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(lambda: b" ready." in log.read_bytes(), timeout=60, what=f"worker {name} to start", log=log)
        process.log = log
        yield process
    finally:
        stop(process)


def states(notice: Notice) -> dict[str, int]:
    rows = notice.deliveries.values("state").annotate(n=Count("pk")).values_list("state", "n")
    return dict(rows)


@pytest.fixture
def clean_broker():
    purge_broker()
    yield
    purge_broker()


def test_worker_delivers_each_notice_once(smtp_server, tmp_path, clean_broker):
    members = council_members(4)
    busy, refusing = members[0], members[1]
    (no_address,) = council_members(1, email="")
    smtp_server.replies[busy.email] = ["421 4.3.2 Service busy, try again later"]
    smtp_server.replies[refusing.email] = ["550 5.1.1 Mailbox unavailable"]
    notice = NoticeFactory()

    with celery_worker(tmp_path, smtp_port=smtp_server.port, name="deliver") as worker:
        assert send_notice(notice=notice) == 4
        wait_for(
            lambda: Notice.objects.filter(pk=notice.pk, state=Notice.State.SENT).exists(),
            timeout=60,
            what="the notice to be sent",
            log=worker.log,
        )

    assert not notice.deliveries.filter(state__in=UNFINISHED).exists()
    rows = {d.member_id: (d.state, d.attempts, d.last_error) for d in notice.deliveries.all()}
    assert rows == {
        busy.pk: ("sent", 2, ""),
        refusing.pk: ("failed", 1, "550 5.1.1 Mailbox unavailable"),
        members[2].pk: ("sent", 1, ""),
        members[3].pk: ("sent", 1, ""),
        no_address.pk: ("skipped", 0, "Thành viên chưa có địa chỉ thư điện tử."),
    }
    assert sorted(smtp_server.message_ids()) == sorted(
        f"<notice-{notice.pk}.member-{m.pk}@example.org>" for m in (busy, members[2], members[3])
    )


def test_worker_killed_mid_batch_sends_every_member_once(smtp_server, tmp_path, clean_broker, capsys):
    members = council_members(30)
    notice = NoticeFactory()
    smtp_server.delay = 0.3  # keep one message in flight when the worker dies

    with celery_worker(tmp_path, smtp_port=smtp_server.port, name="first") as first:
        send_notice(notice=notice)
        wait_for(
            lambda: (
                notice.deliveries.filter(state="sent").count() >= 8
                and notice.deliveries.filter(state="sending").exists()
            ),
            timeout=60,
            what="a first part of the batch sent and one in flight",
            log=first.log,
        )
        stop(first, sig=signal.SIGKILL)
        at_kill = states(notice)

    with celery_worker(tmp_path, smtp_port=smtp_server.port, name="second") as second:
        wait_for(
            lambda: notice.deliveries.filter(state="sent").count() == 30,
            timeout=120,
            what="every member to be sent the notice",
            log=second.log,
        )

    expected = {f"<notice-{notice.pk}.member-{m.pk}@example.org>" for m in members}
    received = Counter(smtp_server.message_ids())
    duplicates = {message_id: n - 1 for message_id, n in received.items() if n > 1}
    with capsys.disabled():
        print(
            f"\n[kill test] 30 deliveries; at kill -9: {at_kill}; received {sum(received.values())} messages, "
            f"{sum(duplicates.values())} duplicate(s) {sorted(duplicates)}"
        )
    assert set(received) == expected
    assert sum(duplicates.values()) <= 1
    assert states(notice) == {"sent": 30}
    assert list(Delivery.objects.filter(notice=notice, attempts__gt=2)) == []
