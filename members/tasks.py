"""Celery tasks of the members app: thin, by primary key."""

from celery import shared_task

from . import emails
from .models import Member


@shared_task(name="members.send_invitation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(member_id: int) -> None:
    """Email a member the link to set the password of their new account."""
    member = Member.objects.select_related("user").get(pk=member_id)
    if member.user is not None and not member.user.has_usable_password():
        emails.invitation(member).send()
