"""The site's own email messages (feedback): built here, sent by council.feedback.

Building only: nothing here sends or saves. Every text is in the site's
language (Vietnamese), whatever language the admin was used in. Plain text:
the messages quote what visitors typed.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from meetings.emails import mail_domain

from .models import Feedback


def _render(name: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}.txt", context)
    return " ".join(subject.split()), body


def feedback_notice(*, feedback: Feedback, to: str) -> EmailMessage:
    """The secretariat's copy of a new message; replying to it writes to the sender."""
    topic = feedback.topic
    context = {
        "feedback": feedback,
        "topic_url": settings.SITE_URL + topic.get_absolute_url() if topic else "",
        "admin_url": settings.SITE_URL + reverse("admin:council_feedback_change", args=[feedback.pk]),
    }
    subject, body = _render("feedback_notice", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        reply_to=[feedback.email],
        headers={
            "Message-ID": f"<feedback-{feedback.pk}@{mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        },
    )


def feedback_answer(*, feedback: Feedback) -> EmailMessage:
    """The secretariat's answer, to the one who asked."""
    context = {
        "feedback": feedback,
        "faq_url": settings.SITE_URL + reverse("faq") if feedback.published else "",
        "contact_email": settings.COUNCIL_CONTACT_EMAIL,
    }
    subject, body = _render("feedback_answer", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[feedback.email],
        reply_to=[settings.FEEDBACK_EMAIL],
        headers={
            "Message-ID": f"<feedback-{feedback.pk}.answer@{mail_domain()}>",
            "In-Reply-To": f"<feedback-{feedback.pk}@{mail_domain()}>",
            "Auto-Submitted": "auto-replied",
        },
    )
