"""Handing a task to the Celery broker without ever waiting on it.

The database row a task works on is the truth (a Delivery stays "queued"
until a worker claims it): when the broker is down, the task is not
enqueued, nothing waits and nothing fails, and the periodic sweep
(meetings.sweep_notices) enqueues the row again once the broker is back.
"""

import logging

from . import breaker

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """`task.delay(*args)` unless the broker is unreachable; True if it was handed over.

    Without a broker (tasks run inline) the task simply runs; if it fails (a mail server
    that is down, say), the error is logged and the row stays as the task left it, for
    the sweep: the request that asked for the task is not failed by it.
    """
    if task.app.conf.task_always_eager:
        try:
            task.delay(*args)
        except Exception:
            logger.exception("task %s%r failed inline; left for the sweep", task.name, args)
            return False
        return True
    if not breaker.redis.allows():
        logger.warning("broker unavailable: %s%r left for the sweep", task.name, args)
        return False
    try:
        # No retries here: a web request must not wait on a dead broker.
        task.apply_async(args, retry=False)
    except Exception as error:  # whatever the transport raises, the row stays queued
        breaker.redis.trip(error)
        logger.warning("broker unavailable: %s%r left for the sweep: %s", task.name, args, error)
        return False
    return True
