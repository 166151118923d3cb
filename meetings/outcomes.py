"""What meetings lead to: recommendations with their follow-up, cooperation agreements.

Models of the meetings app, imported by meetings.models (import them from there).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from council.shared.changes import ChangeAnnouncingQuerySet
from council.shared.documents import validate_document
from council.shared.privatemedia import PrivateUpload
from council.shared.textsearch import SearchIndexed, SearchIndexedQuerySet
from council.shared.translated import fields_of
from members.models import Organisation

from .models import Meeting


class Recommendation(models.Model):
    """A recommendation or difficulty raised at a meeting, tracked until resolved."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chưa xử lý")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        RESOLVED = "resolved", _("Đã giải quyết")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("nêu tại phiên họp"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    title = models.CharField(_("kiến nghị"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    topic = models.CharField(_("chủ đề"), max_length=100, blank=True, db_index=True)
    addressed_to = models.CharField(
        _("kiến nghị tới"), max_length=255, blank=True, help_text=_("Ví dụ: Bộ Thông tin và Truyền thông.")
    )
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status, default=Status.OPEN)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    """What a later meeting recorded about an earlier recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("kiến nghị"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("tại phiên họp"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    note = models.TextField(_("kết quả theo dõi"))
    status = models.CharField(
        _("tình trạng sau phiên họp"),
        max_length=16,
        choices=Recommendation.Status,
        default=Recommendation.Status.IN_PROGRESS,
    )

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["recommendation", "meeting__starts_at"]
        verbose_name = _("theo dõi kiến nghị")
        verbose_name_plural = _("theo dõi kiến nghị")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "meeting"], name="meetings_followup_once_per_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} – {self.meeting}"


class Agreement(SearchIndexed):
    """A cooperation agreement signed between organisations, often at a meeting."""

    SEARCH_FIELDS = {"A": fields_of("title"), "B": fields_of("summary")}

    title = models.CharField(_("tên thỏa thuận"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=255, unique=True)
    parties = models.ManyToManyField(Organisation, verbose_name=_("các bên"), related_name="agreements")
    signed_on = models.DateField(_("ngày ký"))
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("ký tại phiên họp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    summary = models.TextField(_("tóm tắt"), blank=True)
    document = models.FileField(
        _("văn bản"), upload_to=PrivateUpload("agreements"), blank=True, validators=[validate_document]
    )
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    published = models.BooleanField(_("công khai"), default=True)

    objects = SearchIndexedQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "title"]
        verbose_name = _("thỏa thuận hợp tác")
        verbose_name_plural = _("thỏa thuận hợp tác")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:agreement_detail", kwargs={"slug": self.slug})
