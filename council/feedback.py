"""The feedback workflow ("Liên hệ – Góp ý"): store a message, tell the secretariat, answer it.

Mail goes out through Celery after the commit (tasks take primary keys and
are safe to run twice: a message whose mail is recorded as sent is not sent
again). Messages are built in council.emails.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import Meeting

from . import emails
from .models import Article, Feedback
from .shared.queue import enqueue

# Mail not sent this long after it was due is sent again by the sweep (a lost task, a broker
# that was down); mail due for longer than a day is left alone (see the admin's dates).
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_UNTIL = timedelta(days=1)


def submit_feedback(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    topic: tuple[str, int] | None = None,
    form_key: str | None = None,
) -> Feedback:
    """Store a visitor's message; after the commit, a task mails it to FEEDBACK_EMAIL.

    `topic` is ("meeting", pk) or ("article", pk); one that no longer exists is dropped.
    A message sent again with the same `form_key` (the same form, sent twice at once or
    one after the other) is not stored or mailed again: the first one is returned.
    """
    feedback = Feedback(name=name, email=email, subject=subject, message=message, form_key=form_key)
    if topic:
        kind, pk = topic
        if kind == "meeting":
            feedback.meeting = Meeting.objects.public().filter(pk=pk).first()
        elif kind == "article":
            feedback.article = Article.objects.public().filter(pk=pk).first()
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        if not form_key:
            raise
        return Feedback.objects.get(form_key=form_key)  # the same form, sent before or at the same moment
    from . import tasks  # tasks import this module

    transaction.on_commit(lambda: enqueue(tasks.notify_secretariat, feedback.pk))
    return feedback


def notify_secretariat(*, feedback_id: int) -> bool:
    """Mail the secretariat one new message, unless already done; True if mail was sent now."""
    feedback = Feedback.objects.select_related("meeting", "article").get(pk=feedback_id)
    if feedback.notified_at:
        return False
    emails.feedback_notice(feedback=feedback, to=settings.FEEDBACK_EMAIL).send()
    Feedback.objects.filter(pk=feedback_id).update(notified_at=timezone.now())
    return True


def answer_feedback(*, feedback: Feedback, answer: str, published: bool) -> bool:
    """Save the secretariat's answer and whether it is published; True if the answer will be mailed.

    The first answer given is mailed to the sender (after the commit, by a
    task); later edits are not mailed again. Publishing or unpublishing (or
    editing a published answer) refreshes the public pages.
    """
    answer = answer.strip()
    before = Feedback.objects.filter(pk=feedback.pk).values("answer", "published", "answer_sent_at").get()
    fields = ["answer", "published", "updated_at"]
    feedback.answer, feedback.published = answer, published
    first_answer = bool(answer) and not before["answer"] and feedback.answered_at is None
    if first_answer:
        feedback.answered_at = timezone.now()
        fields.append("answered_at")
    feedback.save(update_fields=fields)
    will_mail = bool(answer) and before["answer_sent_at"] is None
    if will_mail:
        from . import tasks

        transaction.on_commit(lambda: enqueue(tasks.send_feedback_answer, feedback.pk))
    return will_mail


def send_answer(*, feedback_id: int) -> bool:
    """Mail the answer to the sender, unless already done or there is none; True if sent now."""
    feedback = Feedback.objects.get(pk=feedback_id)
    if feedback.answer_sent_at or not feedback.answer:
        return False
    emails.feedback_answer(feedback=feedback).send()
    Feedback.objects.filter(pk=feedback_id).update(answer_sent_at=timezone.now())
    return True


def sweep_feedback(*, now=None) -> dict[str, int]:
    """Queue again the mails of the last day that are overdue: notices to the secretariat, answers."""
    from . import tasks

    now = now or timezone.now()
    recent = {"created_at__gt": now - SWEEP_UNTIL}
    notices = list(
        Feedback.objects.filter(notified_at=None, created_at__lt=now - SWEEP_AFTER, **recent).values_list(
            "pk", flat=True
        )
    )
    answers = list(
        Feedback.objects.filter(answer_sent_at=None, answered_at__lt=now - SWEEP_AFTER, **recent)
        .exclude(answer="")
        .values_list("pk", flat=True)
    )
    for pk in notices:
        enqueue(tasks.notify_secretariat, pk)
    for pk in answers:
        enqueue(tasks.send_feedback_answer, pk)
    return {"notices": len(notices), "answers": len(answers)}
