"""Annual meetings and what they produce: agenda, documents, photos,
recommendations, cooperation agreements, and the notices sent to members."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.shared.changes import ChangeAnnouncingQuerySet
from council.shared.documents import validate_document
from council.shared.privatemedia import PrivateUpload
from council.shared.text import vietnamese_slug
from council.shared.textsearch import SearchIndexed, SearchIndexedQuerySet
from council.shared.translated import fields_of
from council.shared.uploads import validate_image
from members.models import Member, Province

from .notice_models import Delivery, Notice  # noqa: F401  (the app's models, kept in their own module)


class MeetingQuerySet(SearchIndexedQuerySet):
    def public(self):
        """Meetings visitors may see: all but drafts."""
        return self.exclude(status=Meeting.Status.DRAFT)

    def upcoming(self):
        return self.public().filter(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now())

    def past(self):
        return self.public().filter(status=Meeting.Status.HELD)

    def attended_by(self, member: Member):
        """The public meetings `member` attended, the latest first (for the member's page)."""
        return (
            self.public()
            .filter(attendances__member=member, attendances__attended=True)
            .select_related("host_province")
            .order_by("-starts_at")
        )

    def next_and_last(self):
        """The next planned meeting and the last held one, in a single query.

        Each is picked by a scalar subquery (SQLite refuses LIMIT inside a
        UNION, so no union); the caller tells them apart by status.
        """
        next_one = self.upcoming().order_by("starts_at").values("pk")[:1]
        last_one = self.past().order_by("-starts_at").values("pk")[:1]
        return self.filter(Q(pk=models.Subquery(next_one)) | Q(pk=models.Subquery(last_one)))


class Meeting(SearchIndexed):
    """An annual meeting of the council."""

    # Both languages' texts (meetings/translation.py): a search in English finds the English versions.
    SEARCH_FIELDS = {
        "A": fields_of("title"),
        "B": [*fields_of("summary"), "venue", "host_province__name"],
        "C": ["body"],
    }

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PLANNED = "planned", _("Sắp diễn ra")
        HELD = "held", _("Đã tổ chức")
        CANCELLED = "cancelled", _("Đã hủy")

    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=255, unique=True)
    year = models.PositiveSmallIntegerField(_("năm"), db_index=True)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    venue = models.CharField(_("địa điểm"), max_length=255, blank=True)
    host_province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh đăng cai"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    chair = models.ForeignKey(
        Member,
        verbose_name=_("chủ trì"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_meetings",
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.DRAFT)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    next_host = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh đăng cai phiên họp sau"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("phiên họp")
        verbose_name_plural = _("phiên họp")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """A meeting is "held" only once it has started."""
        if self.status == self.Status.HELD and self.starts_at and self.starts_at > timezone.now():
            raise ValidationError(
                {"status": _("Phiên họp chưa bắt đầu nên chưa thể ở trạng thái “Đã tổ chức”.")},
                code="held_in_future",
            )

    @property
    def is_past(self) -> bool:
        return (self.ends_at or self.starts_at) < timezone.now()

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT


class AgendaItem(models.Model):
    """One item of a meeting's agenda."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("phiên họp"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    starts_at = models.TimeField(_("giờ bắt đầu"), null=True, blank=True)
    title = models.CharField(_("nội dung"), max_length=255)
    presenter = models.ForeignKey(
        Member,
        verbose_name=_("người trình bày"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("mô tả"), blank=True)

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "starts_at"]
        verbose_name = _("mục chương trình")
        verbose_name_plural = _("chương trình họp")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A member invited to a meeting, their answer, and whether they came."""

    class Rsvp(models.TextChoices):
        INVITED = "invited", _("Đã mời")
        ACCEPTED = "accepted", _("Tham dự")
        DECLINED = "declined", _("Vắng mặt")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("phiên họp"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("thành viên"), on_delete=models.CASCADE, related_name="attendances"
    )
    rsvp = models.CharField(_("trả lời"), max_length=16, choices=Rsvp, default=Rsvp.INVITED)
    responded_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    attended = models.BooleanField(_("có mặt"), default=False)

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "member__full_name"]
        verbose_name = _("tham dự")
        verbose_name_plural = _("thành phần tham dự")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meetings_attendance_unique_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.meeting}"


class DocumentQuerySet(SearchIndexedQuerySet):
    def public(self):
        return self.filter(published=True).exclude(meeting__status=Meeting.Status.DRAFT)


class Document(SearchIndexed):
    """A report, minutes or other file of a meeting."""

    SEARCH_FIELDS = {
        "A": ["title"],
        "B": ["number", *(f"meeting__{name}" for name in fields_of("title"))],
        "C": ["text"],
    }

    class Kind(models.TextChoices):
        REPORT = "report", _("Báo cáo")
        MINUTES = "minutes", _("Biên bản")
        CONCLUSION = "conclusion", _("Thông báo kết luận")
        PRESENTATION = "presentation", _("Tham luận, trình chiếu")
        OTHER = "other", _("Khác")

    class TextStatus(models.TextChoices):
        PENDING = "pending", _("Đang chờ đọc nội dung")
        EXTRACTED = "extracted", _("Tìm được trong toàn văn")
        PARTIAL = "partial", _("Tệp rất dài: chỉ tìm được trong phần đầu")
        NO_TEXT = "no_text", _("Tệp không có lớp chữ (bản quét): chỉ tìm theo tiêu đề")
        TOO_LARGE = "too_large", _("Tệp quá lớn để đọc nội dung: chỉ tìm theo tiêu đề")
        UNREADABLE = "unreadable", _("Không đọc được nội dung tệp: chỉ tìm theo tiêu đề")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("phiên họp"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind, default=Kind.REPORT)
    number = models.CharField(_("số hiệu"), max_length=50, blank=True, help_text=_("Ví dụ: 08/HĐCNTT."))
    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=255)
    file = models.FileField(
        _("tệp"),
        upload_to=PrivateUpload("documents"),
        validators=[validate_document],
        help_text=_("PDF, DOCX, XLSX hoặc PPTX, tối đa 25 MB."),
    )
    published = models.BooleanField(_("công khai"), default=False)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    # The file's text for search, read by a task after each upload (council.shared.doctext):
    # its parts (a PDF's pages, slides, sheets) separated by form feeds.
    text = models.TextField(_("nội dung chữ"), blank=True, editable=False)
    text_status = models.CharField(
        _("tìm kiếm trong tệp"), max_length=16, choices=TextStatus, default=TextStatus.PENDING, editable=False
    )
    text_of = models.CharField(_("nội dung chữ của tệp"), max_length=255, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "title"]
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "slug"], name="meetings_document_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("meetings:document", kwargs={"meeting": self.meeting.slug, "slug": self.slug})

    @property
    def download_name(self) -> str:
        """A readable file name: the number and title, without diacritics."""
        stem = vietnamese_slug(f"{self.number.replace('/', '-')} {self.title}") or "tai-lieu"
        return f"{stem[:120]}{PurePath(self.file.name).suffix.lower()}"


class Photo(models.Model):
    """A photo of a meeting, with its caption and credit."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("phiên họp"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("ảnh"),
        upload_to=PrivateUpload("photos"),
        width_field="width",
        height_field="height",
        validators=[validate_image],
    )
    width = models.PositiveIntegerField(_("chiều rộng"), default=0, editable=False)
    height = models.PositiveIntegerField(_("chiều cao"), default=0, editable=False)
    caption = models.CharField(_("chú thích"), max_length=500, blank=True)
    credit = models.CharField(
        _("nguồn ảnh"), max_length=200, blank=True, help_text=_("Ví dụ: Cục Tin học hóa.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")

    def __str__(self) -> str:
        return self.caption or self.image.name


# Recommendations with their follow-up, and agreements, are defined in outcomes.py;
# imported here, where they stood, so that the app's models keep their order.
from .outcomes import Agreement, FollowUp, Recommendation  # noqa: E402, F401
