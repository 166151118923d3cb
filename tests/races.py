"""Requests or calls released together, as double clicks and crowds send them."""

import threading

from django.db import connection


def at_once(count: int, work, *, own_connection: bool = False) -> list:
    """`work(i)` in `count` threads released together; each result, or the exception raised.

    With `own_connection`, each thread opens its database connection before the
    release (so the race is the work, not the connecting) and closes it at the end.
    """
    barrier = threading.Barrier(count, timeout=60)
    outcomes: list = [None] * count

    def target(index: int) -> None:
        try:
            if own_connection:
                connection.ensure_connection()
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as error:  # the outcome under test, or a failure to report
            outcomes[index] = error
        finally:
            if own_connection:
                connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes
