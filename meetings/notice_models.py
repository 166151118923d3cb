"""The notices sent to members about a meeting, and their delivery to each member.

Part of the meetings app's models (meetings.models imports them from here): the
workflows that use them are the notice_* modules.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """A notice about a meeting, emailed to the members (one Delivery each)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Giấy mời")
        REMINDER = "reminder", _("Nhắc lịch")
        CHANGE = "change", _("Thay đổi")
        CANCELLATION = "cancellation", _("Hủy họp")

    class State(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        SCHEDULED = "scheduled", _("Đã hẹn giờ")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")

    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("phiên họp"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind, default=Kind.INVITATION)
    subject = models.CharField(_("tiêu đề thư"), max_length=255)
    body = models.TextField(_("nội dung"))
    send_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State, default=State.DRAFT)
    reminder_days = models.PositiveSmallIntegerField(
        _("nhắc trước (ngày)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Nhắc lịch tự động: số ngày trước phiên họp."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        "members.User",
        verbose_name=_("người soạn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thông báo họp")
        verbose_name_plural = _("thông báo họp")
        constraints = [
            # Each automatic reminder goes out once per meeting, however many beats race.
            models.UniqueConstraint(
                fields=["meeting", "reminder_days"],
                condition=Q(reminder_days__isnull=False),
                name="meetings_notice_one_reminder_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One notice to one member: the truth about whether it was sent."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Lỗi")
        SKIPPED = "skipped", _("Không gửi được")

    notice = models.ForeignKey(
        Notice, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="deliveries"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name=_("thành viên"), on_delete=models.CASCADE, related_name="deliveries"
    )
    address = models.EmailField(_("địa chỉ"), blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=State, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    # When the row was last handed to the broker (or when its retry is due): the
    # sweep re-enqueues queued rows whose message the broker seems to have lost.
    due_at = models.DateTimeField(_("đến hạn gửi lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["notice", "member__full_name"]
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("lượt gửi")
        constraints = [
            models.UniqueConstraint(fields=["notice", "member"], name="meetings_delivery_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.member}"
