"""Messages of the members app (building only: no I/O)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Member


def set_password_url(user) -> str:
    """The one-use link that lets `user` choose a password (expires: PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def invitation(member: Member) -> EmailMultiAlternatives:
    """The invitation to a new member account, in Vietnamese, text and HTML."""
    context = {
        "member": member,
        "url": set_password_url(member.user),
        "username": member.user.get_username(),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        "SITE_URL": settings.SITE_URL,
    }
    subject = render_to_string("emails/member_invitation_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/member_invitation.txt", context),
        to=[member.email],
    )
    message.attach_alternative(render_to_string("emails/member_invitation.html", context), "text/html")
    return message
