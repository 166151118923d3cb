"""Web requests never wait on a silent PostgreSQL: psycopg2's wait callback gives up (council.dbwait)."""

import socket

import psycopg2
import pytest
from django.db import connection
from psycopg2 import extensions

from council import dbwait

pytestmark = pytest.mark.postgres


@pytest.fixture
def bounded(settings):
    settings.DATABASE_CONNECT_TIMEOUT = 1
    settings.DATABASE_READ_TIMEOUT = 0.5
    dbwait.install()
    yield
    extensions.set_wait_callback(None)


def connect(port: int | None = None):
    params = connection.get_connection_params()
    if port is not None:
        params = {**params, "host": "127.0.0.1", "port": port}
    return psycopg2.connect(**params)


def test_connecting_to_a_silent_server_gives_up(bounded):
    with socket.socket() as silent:  # accepts (the kernel's backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)

        with pytest.raises(psycopg2.OperationalError, match="silent for 1 s while connecting"):
            connect(silent.getsockname()[1])


@pytest.mark.django_db
def test_a_query_left_unanswered_gives_up_and_breaks_only_its_connection(bounded):
    db = connect()
    try:
        with db.cursor() as cursor, pytest.raises(psycopg2.OperationalError, match="waiting for an answer"):
            cursor.execute("SELECT pg_sleep(3)")
        assert db.closed == 2  # broken: Django closes it and the next request connects afresh
    finally:
        db.close()
    with connect() as again, again.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
