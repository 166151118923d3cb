"""Workflows of the members app: inviting members, importing them from CSV."""

import csv
import datetime
import io
from dataclasses import dataclass, field

import reversion
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from council.shared.queue import enqueue
from council.shared.slugs import unique_slug

from . import emails
from .models import Member, Membership, Organisation, Province, User


class AlreadyInvited(Exception):
    """The member already uses their login account (its password is set)."""


class MissingEmail(Exception):
    """The member has no email address to send an invitation to."""


# An invitation whose mail is not recorded as sent this long after it was made is queued
# again by the sweep (a broker that was down, a task lost with its worker); after a week
# it is left to the secretariat, who sees it in the members' list and may invite again.
SWEEP_AFTER = datetime.timedelta(minutes=2)
SWEEP_UNTIL = datetime.timedelta(days=7)


def invite_member(*, member: Member) -> User:
    """Email `member` a link to set the password of their login account, made here if need be.

    The account has no usable password until the member sets one through the
    link, which works once and expires after PASSWORD_RESET_TIMEOUT. Inviting a
    member whose account was made but never used sends the invitation again. The
    email is sent by a Celery task enqueued when the transaction commits (inline
    without a broker); with the broker down nothing waits, and sweep_invitations
    sends it later. Raises AlreadyInvited or MissingEmail.
    """
    if member.user_id and member.user.has_usable_password():
        raise AlreadyInvited(member)
    if not member.email:
        raise MissingEmail(member)
    with transaction.atomic():
        user = member.user or _new_account(member)
        user.invited_at, user.invitation_sent_at = timezone.now(), None
        user.save(update_fields=["invited_at", "invitation_sent_at"])
        transaction.on_commit(lambda: _queue_invitation(member.pk))
    return user


def _new_account(member: Member) -> User:
    username = member.email.lower()
    if User.objects.filter(username=username).exists():
        raise AlreadyInvited(member)
    first, _sep, last = member.full_name.rpartition(" ")
    user = User(username=username, email=member.email, first_name=last, last_name=first)
    user.set_unusable_password()
    user.save()
    member.user = user
    member.save(update_fields=["user"])
    return user


def _queue_invitation(member_id: int) -> None:
    from . import tasks  # tasks import this module

    enqueue(tasks.send_invitation, member_id)


def send_invitation(*, member_id: int) -> bool:
    """Mail the member their invitation unless it is recorded as sent or no longer needed; True if sent."""
    member = Member.objects.select_related("user").get(pk=member_id)
    user = member.user
    if user is None or user.has_usable_password() or user.invitation_sent_at is not None:
        return False
    emails.invitation(member).send()
    User.objects.filter(pk=user.pk).update(invitation_sent_at=timezone.now())
    return True


def sweep_invitations(*, now: datetime.datetime | None = None) -> int:
    """Queue again the invitations of the last week whose mail never went out; returns how many."""
    now = now or timezone.now()
    pending = list(
        Member.objects.filter(
            user__invitation_sent_at=None,
            user__invited_at__lt=now - SWEEP_AFTER,
            user__invited_at__gt=now - SWEEP_UNTIL,
            user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
        ).values_list("pk", flat=True)
    )
    for member_id in pending:
        _queue_invitation(member_id)
    return len(pending)


# --- CSV import ---------------------------------------------------------------------------

CSV_COLUMNS = ["full_name", "email", "phone", "position", "organisation", "province", "role", "started_on"]
ROLE_NAMES = {
    **{value: value for value in Membership.Role.values},
    **{str(label).lower(): value for value, label in Membership.Role.choices},
}


@dataclass
class ImportReport:
    """What an import did, or, when `errors` is not empty, why it did nothing."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _parse_date(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("ngày “%(text)s” không hợp lệ (dùng dd/mm/yyyy)") % {"text": text})


def _clean_row(row: dict[str, str]) -> dict:
    """One CSV row as clean values; raises ValidationError listing what is wrong."""
    problems = []
    values = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
    if not values["full_name"]:
        problems.append(_("thiếu họ và tên"))
    if values["email"]:
        try:
            from django.core.validators import validate_email

            validate_email(values["email"])
        except ValidationError:
            problems.append(_("thư điện tử “%(email)s” không hợp lệ") % {"email": values["email"]})
    role = ROLE_NAMES.get(values["role"].lower() or Membership.Role.MEMBER)
    if role is None:
        problems.append(_("vai trò “%(role)s” không có") % {"role": values["role"]})
    province = None
    if values["province"]:
        province = Province.objects.filter(name__iexact=values["province"]).first()
        if province is None:
            problems.append(_("không có tỉnh, thành phố “%(name)s”") % {"name": values["province"]})
    started_on = None
    if values["started_on"]:
        try:
            started_on = _parse_date(values["started_on"])
        except ValidationError as error:
            problems.extend(error.messages)
    else:
        problems.append(_("thiếu ngày bắt đầu"))
    if problems:
        raise ValidationError(problems)
    return {**values, "role": role, "province": province, "started_on": started_on}


def import_members(*, data: bytes, user: User | None = None) -> ImportReport:
    """Import members from a UTF-8 CSV file (header row: CSV_COLUMNS), all or nothing.

    Every row is checked first; if any row is wrong the report lists every
    error with its row number and nothing is written. Otherwise each member is
    created (or updated, matched by email) with an organisation (created if
    new) and a council role. Runs in one transaction.
    """
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, _("Tệp không phải văn bản UTF-8.")))
        return report
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in ("full_name", "started_on") if column not in (reader.fieldnames or [])]
    if missing:
        report.errors.append((1, _("Thiếu cột: %(columns)s") % {"columns": ", ".join(missing)}))
        return report
    rows = []
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        try:
            rows.append(_clean_row(row))
        except ValidationError as error:
            report.errors.extend((number, message) for message in error.messages)
    if report.errors:
        return report
    if not rows:
        report.errors.append((2, _("Tệp không có dòng dữ liệu nào.")))
        return report
    # Each row written is kept as a version, as an admin save is: a member deleted later can be recovered.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(_("Nhập từ tệp CSV"))
        if user is not None:
            reversion.set_user(user)
        for values in rows:
            _save_row(values, report)
    return report


def _save_row(values: dict, report: ImportReport) -> None:
    organisation = None
    if values["organisation"]:
        organisation, _created = Organisation.objects.get_or_create(
            name=values["organisation"],
            defaults={"province": values["province"], "kind": Organisation.Kind.PROVINCIAL_DEPARTMENT},
        )
    member = Member.objects.filter(email__iexact=values["email"]).first() if values["email"] else None
    fields = {
        "full_name": values["full_name"],
        "email": values["email"],
        "phone": values["phone"],
        "position": values["position"],
        "organisation": organisation,
    }
    if member is None:
        member = Member.objects.create(
            slug=unique_slug(values["full_name"], Member, fallback="thanh-vien"), **fields
        )
        report.created += 1
    else:
        for name, value in fields.items():
            setattr(member, name, value)
        member.save()
        report.updated += 1
    Membership.objects.get_or_create(member=member, role=values["role"], started_on=values["started_on"])
