"""A web process never waits on a silent PostgreSQL longer than a few seconds.

libpq bounds connecting (`connect_timeout`) but not waiting for an answer: a
PostgreSQL that stopped answering (or a network that drops everything) holds
a request, and its worker, until the process manager kills it. In the web
processes (council.wsgi) psycopg2 is told to wait through this module's
callback instead, which polls the socket and gives up with an
OperationalError (the maintenance page, council.middleware) after
DATABASE_CONNECT_TIMEOUT seconds of silence while connecting, or
DATABASE_READ_TIMEOUT seconds while waiting for a query's answer.

Not installed in Celery workers and management commands, whose long
statements (a migration) may legitimately be silent for longer.
"""

import select

import psycopg2
from django.conf import settings
from psycopg2 import extensions

_CONNECTED = {extensions.STATUS_READY, extensions.STATUS_BEGIN, extensions.STATUS_PREPARED}


def wait_bounded(connection) -> None:
    """psycopg2's wait callback: poll the connection until it is done, never longer than allowed."""
    connecting = connection.status not in _CONNECTED
    limit = settings.DATABASE_CONNECT_TIMEOUT if connecting else settings.DATABASE_READ_TIMEOUT
    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            ready = select.select([connection.fileno()], [], [], limit)[0]
        elif state == extensions.POLL_WRITE:
            ready = select.select([], [connection.fileno()], [], limit)[1]
        else:
            raise psycopg2.OperationalError(f"unexpected state from poll(): {state!r}")
        if not ready:
            what = "connecting" if connecting else "waiting for an answer"
            raise psycopg2.OperationalError(f"PostgreSQL silent for {limit} s while {what}")


def install() -> None:
    """Use wait_bounded() for every psycopg2 connection of this process (PostgreSQL only)."""
    if settings.IS_POSTGRESQL and settings.DATABASE_READ_TIMEOUT > 0:
        extensions.set_wait_callback(wait_bounded)
