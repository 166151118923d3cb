"""How Celery talks to its broker: JSON only, late acknowledgements, never a long wait from a web request."""


def broker_transport_options(*, task_time_limit: int, socket_timeout: float) -> dict:
    """CELERY_BROKER_TRANSPORT_OPTIONS for a Redis broker."""
    return {
        # With late acks a task is redelivered if its worker dies; this is how long
        # Redis waits before it does. Longer than the hard time limit.
        "visibility_timeout": task_time_limit + 60,
        # Enqueueing from a web request must not wait on a dead broker (council.shared.breaker.enqueue).
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": socket_timeout,
        # One attempt, no pause, when a producer connects (workers keep their own retry loop).
        "max_retries": 1,
        "interval_start": 0,
    }
