"""Invitations are never lost: a broker that is down, a mail server that fails, a second invite."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from council.celery import app
from members import services, tasks
from tests.factories import MemberFactory, SecretariatFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


@pytest.fixture
def broker_down(monkeypatch):
    """Celery has a broker, and it refuses every connection; call the fixture's value to bring it back."""
    from kombu.exceptions import OperationalError

    from council.shared import breaker

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:

        def back():
            app.conf.task_always_eager = True  # tasks inline again, as the eager_celery fixture has them
            patched.undo()
            breaker.redis.reset()

        app.conf.task_always_eager = False
        patched.setattr(tasks.send_invitation, "apply_async", refuse)
        yield back
        back()


def later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def test_invitation_made_while_the_broker_is_down_is_sent_by_the_sweep(
    broker_down, django_capture_on_commit_callbacks
):
    member = MemberFactory(email="cho-gui@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_member(member=member)

    user.refresh_from_db()
    assert (user.invited_at is not None, user.invitation_sent_at, mail.outbox) == (True, None, [])
    broker_down()  # over: the broker is back
    assert services.sweep_invitations() == 0  # not overdue yet
    assert services.sweep_invitations(now=later(3)) == 1
    assert [message.to for message in mail.outbox] == [["cho-gui@example.org"]]
    user.refresh_from_db()
    assert user.invitation_sent_at is not None
    assert services.sweep_invitations(now=later(3)) == 0  # sent once


def test_invitation_whose_mail_failed_is_sent_by_the_sweep(monkeypatch, django_capture_on_commit_callbacks):
    member = MemberFactory(email="that-bai@example.org")

    def mail_server_down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", mail_server_down)
        with django_capture_on_commit_callbacks(execute=True):
            services.invite_member(member=member)  # the request is not failed by it

    assert mail.outbox == []
    assert services.sweep_invitations(now=later(3)) == 1
    assert [message.to for message in mail.outbox] == [["that-bai@example.org"]]


def test_sweep_leaves_used_accounts_and_old_invitations_alone(django_capture_on_commit_callbacks):
    used = MemberFactory(user=UserFactory(invited_at=timezone.now()))  # the factory sets a password
    with django_capture_on_commit_callbacks(execute=False):
        services.invite_member(member=MemberFactory(email="cu@example.org"))  # its mail never queued

    assert used.user.has_usable_password()
    assert services.sweep_invitations(now=later(8 * 24 * 60)) == 0  # a week later: left to the secretariat
    assert services.sweep_invitations(now=later(3)) == 1


def test_inviting_again_an_account_never_used_sends_a_new_invitation(django_capture_on_commit_callbacks):
    member = MemberFactory(email="moi-lai@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invite_member(member=member)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invite_member(member=member)

    assert again == first
    assert [message.to for message in mail.outbox] == [["moi-lai@example.org"]] * 2


def test_a_task_run_twice_sends_once(django_capture_on_commit_callbacks):
    member = MemberFactory(email="mot-lan@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(member=member)

    assert tasks.send_invitation(member.pk) is False
    assert len(mail.outbox) == 1


def test_members_list_shows_where_each_account_stands(
    client, broker_down, django_capture_on_commit_callbacks
):
    waiting = MemberFactory(full_name="Người Chờ Thư", email="cho@example.org")
    in_use = MemberFactory(full_name="Người Đã Dùng", user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(member=waiting)
    broker_down()  # over, before the secretariat signs in (sessions live on Redis too)
    client.force_login(SecretariatFactory())

    response = client.get(reverse("admin:members_member_changelist"))
    page = response.content.decode()
    assert response.status_code == 200, response.get("Location")

    assert "Thư mời đang chờ gửi" in page
    assert "Đang dùng" in page
    assert in_use.user.has_usable_password()
