"""Celery tasks of the members app: thin, by primary key."""

from celery import shared_task

from . import services


@shared_task(name="members.send_invitation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(member_id: int) -> bool:
    """Email a member the link to set the password of their new account (once)."""
    return services.send_invitation(member_id=member_id)


@shared_task(name="members.sweep_invitations")
def sweep_invitations() -> int:
    """Beat's periodic job: invitations whose mail never went out."""
    return services.sweep_invitations()
