"""Composing meeting notices: the one function that creates a Notice, and edits of unsent ones.

Every notice (the secretariat's in the admin, an automatic reminder, the demo's
draft) is created by `compose_notice`, its blank subject and body filled from
the template for its kind (meetings/emails.py).
"""

from datetime import datetime

from . import emails
from .models import AgendaItem, Meeting, Notice

EDITABLE_STATES = (Notice.State.DRAFT, Notice.State.SCHEDULED)


class NoticeNotEditable(Exception):
    """The notice has already gone out (or is going out): it cannot be sent or scheduled again."""


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.select_related("presenter").order_by("order", "starts_at"))


def prefill_notice(*, notice: Notice) -> None:
    """Fill a blank subject or body of an unsaved notice from the template for its kind."""
    subject, body = emails.draft_text(
        meeting=notice.meeting, kind=notice.kind, agenda=agenda_of(notice.meeting)
    )
    notice.subject = notice.subject.strip() or subject
    notice.body = notice.body.strip() or body


def compose_notice(
    *,
    meeting: Meeting,
    kind: str,
    created_by=None,
    subject: str = "",
    body: str = "",
    send_at: datetime | None = None,
    reminder_days: int | None = None,
) -> Notice:
    """Create a draft notice, its subject and body prefilled from the template for `kind`.

    A subject or body given explicitly is kept. Saves one Notice; sends nothing.
    A reminder carries its stage (`reminder_days`): the unique (meeting,
    reminder_days) rule then raises IntegrityError for a second copy.
    """
    notice = Notice(
        meeting=meeting,
        kind=kind,
        subject=subject,
        body=body,
        send_at=send_at,
        created_by=created_by,
        reminder_days=reminder_days,
    )
    prefill_notice(notice=notice)
    notice.save()
    return notice


def edit_notice(*, notice: Notice, fields: list[str]) -> bool:
    """Save `fields` of a notice that is still a draft or scheduled; False if it went out meanwhile.

    One conditional UPDATE, so an edit racing a send never turns a sent notice
    back into a draft (a plain save() would write its stale state).
    """
    if not fields:
        return True
    return bool(
        Notice.objects.filter(pk=notice.pk, state__in=EDITABLE_STATES).update(
            **{field: getattr(notice, field) for field in fields}
        )
    )
