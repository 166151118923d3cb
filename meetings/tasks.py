"""Celery tasks of the meetings app: thin wrappers around the notice modules and meetings.services."""

from celery import shared_task

from . import notice_deliver, notice_sweep, services


@shared_task(name="meetings.deliver_notice", bind=True, acks_late=True, max_retries=None)
def deliver_notice(self, delivery_id: int) -> str:
    """Send one Delivery if it is still queued; a temporary error retries it later.

    The number of attempts is bounded by the row (NOTICE_MAX_ATTEMPTS), not by Celery.
    """
    while True:
        try:
            return notice_deliver.deliver(delivery_id=delivery_id)
        except notice_deliver.DeliveryDeferred as deferred:
            if not self.request.is_eager:
                raise self.retry(countdown=deferred.countdown, exc=deferred) from deferred
            # Inline (no broker: embedded mode, tests) there is nobody to retry
            # later: try again now, still bounded by the row's attempts.


@shared_task(name="meetings.sweep_notices")
def sweep_notices() -> dict[str, int]:
    """Beat's periodic job: scheduled notices, reminders, deliveries lost with a worker."""
    return notice_sweep.sweep()


@shared_task(name="meetings.read_document_text", acks_late=True)
def read_document_text(document_id: int) -> str:
    """Read an uploaded document's text for search (see services.read_document_text)."""
    return services.read_document_text(document_id=document_id)


@shared_task(name="meetings.sweep_document_texts")
def sweep_document_texts() -> int:
    """Beat's periodic job: documents whose reading was never queued or was lost."""
    return services.sweep_document_texts()
