"""The site's own data: news articles and visit statistics."""

from django.contrib.flatpages.models import FlatPage
from django.db import models
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from meetings.models import Meeting
from members.models import Province

from .shared.changes import ChangeAnnouncingQuerySet
from .shared.privatemedia import PrivateUpload
from .shared.sanitize import clean_html
from .shared.textsearch import SearchIndexed, SearchIndexedQuerySet
from .shared.translated import fields_of
from .shared.uploads import validate_image

# What the editor offers; the sanitiser (council.shared.sanitize) decides what is kept.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Image": True,
    # An image with its caption; "Browse..." uploads one (ArticleAdmin.body_image_view).
    "Figure": {"pickerUrl": reverse_lazy("admin:council_article_body_image")},
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


class Category(models.Model):
    """A news category ("Tin Hội đồng", "Tin hoạt động", ...)."""

    name = models.CharField(_("tên"), max_length=100, unique=True)
    slug = models.SlugField(_("đường dẫn"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:category", kwargs={"slug": self.slug})


class ArticleQuerySet(SearchIndexedQuerySet):
    def public(self):
        """Published articles whose publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())


class Article(SearchIndexed):
    """A news article about the council, its meetings and related events."""

    # Both languages' texts: a search in English finds the English versions.
    SEARCH_FIELDS = {
        "A": fields_of("title"),
        "B": fields_of("summary"),
        "C": [*fields_of("body"), "source_name", "meeting__host_province__name"],
    }

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Xuất bản")

    class CoverFraming(models.TextChoices):
        # The value is sorl-thumbnail's crop option; "noop" fits the whole picture in the box.
        WHOLE = "noop", _("Giữ nguyên cả ảnh")
        CENTRE = "center", _("Cắt theo khung 3:2, giữ phần giữa")
        TOP = "top", _("Cắt theo khung 3:2, giữ phần trên")
        BOTTOM = "bottom", _("Cắt theo khung 3:2, giữ phần dưới")
        LEFT = "left", _("Cắt theo khung 3:2, giữ bên trái")
        RIGHT = "right", _("Cắt theo khung 3:2, giữ bên phải")

    title = models.CharField(_("tiêu đề"), max_length=255)
    slug = models.SlugField(_("đường dẫn"), max_length=255, unique=True)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = ProseEditorField(_("nội dung"), extensions=EDITOR_EXTENSIONS, sanitize=clean_html, blank=True)
    cover = models.ImageField(
        _("ảnh đại diện"), upload_to=PrivateUpload("news"), blank=True, validators=[validate_image]
    )
    cover_framing = models.CharField(
        _("khung ảnh"),
        max_length=8,
        choices=CoverFraming,
        default=CoverFraming.WHOLE,
        help_text=_("Mặc định ảnh được giữ nguyên, không bị cắt."),
    )
    cover_caption = models.CharField(_("chú thích ảnh"), max_length=300, blank=True)
    cover_credit = models.CharField(_("nguồn ảnh"), max_length=200, blank=True)
    author = models.CharField(_("tác giả"), max_length=120, blank=True)
    source_name = models.CharField(_("nguồn tin"), max_length=120, blank=True, help_text=_("Ví dụ: ICTNews."))
    source_url = models.URLField(_("đường dẫn nguồn"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("chuyên mục"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("thời điểm xuất bản"),
        default=timezone.now,
        help_text=_("Bài chỉ hiện trên trang từ thời điểm này."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("phiên họp liên quan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    provinces = models.ManyToManyField(
        Province, verbose_name=_("tỉnh, thành phố liên quan"), blank=True, related_name="articles"
    )
    view_count = models.PositiveIntegerField(_("lượt xem"), default=0, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("bài viết")
        verbose_name_plural = _("tin tức")
        indexes = [models.Index(fields=["status", "published_at"], name="council_article_public_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    def publish(self, *, at=None) -> None:
        """Publish now, or at `at` (scheduled)."""
        self.status = self.Status.PUBLISHED
        self.published_at = at or timezone.now()
        self.save(update_fields=["status", "published_at", "updated_at"])


class DailyVisits(models.Model):
    """One day's visits, copied from the counter (Redis) so history survives a restart."""

    day = models.DateField(_("ngày"), unique=True)
    visits = models.PositiveIntegerField(_("lượt truy cập"), default=0)
    unique_visitors = models.PositiveIntegerField(_("số khách"), default=0)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("lượt truy cập trong ngày")
        verbose_name_plural = _("thống kê truy cập theo ngày")

    def __str__(self) -> str:
        return f"{self.day}: {self.visits}"


class FeedbackQuerySet(ChangeAnnouncingQuerySet):
    def published(self):
        """Answered messages the secretariat chose to publish as questions and answers."""
        return self.filter(published=True).exclude(answer="")


class Feedback(models.Model):
    """A message sent through the public "Liên hệ – Góp ý" form, and the secretariat's answer."""

    name = models.CharField(_("họ và tên"), max_length=120)
    email = models.EmailField(_("thư điện tử"))
    subject = models.CharField(_("tiêu đề"), max_length=200)
    message = models.TextField(_("nội dung"))
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("về phiên họp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("về bài viết"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    created_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)
    notified_at = models.DateTimeField(_("đã báo Tổ giúp việc lúc"), null=True, blank=True, editable=False)
    answer = models.TextField(
        _("trả lời"),
        blank=True,
        help_text=_("Gửi đến người hỏi qua thư điện tử một lần, khi lưu câu trả lời đầu tiên."),
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True, editable=False)
    answer_sent_at = models.DateTimeField(_("đã gửi trả lời lúc"), null=True, blank=True, editable=False)
    published = models.BooleanField(
        _("đăng lên trang Hỏi đáp"),
        default=False,
        help_text=_("Câu hỏi (không kèm tên và địa chỉ thư) và câu trả lời hiện trên trang Hỏi đáp."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    # The showing of the form it was sent with (council.forms.fresh_stamp): the same form
    # sent twice, by a double click or a resent request, is one message. NULL, not "", for
    # messages without one (made in the admin or a test): unique, and NULLs never clash.
    form_key = models.CharField(max_length=40, unique=True, null=True, editable=False)  # noqa: DJ001

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("góp ý")
        verbose_name_plural = _("liên hệ – góp ý")

    def __str__(self) -> str:
        return self.subject

    @property
    def topic(self) -> Meeting | Article | None:
        return self.meeting or self.article


class PageDates(models.Model):
    """When a council page (a flat page: About, Charter, Contact) was last changed."""

    page = models.OneToOneField(
        FlatPage, verbose_name=_("trang"), primary_key=True, on_delete=models.CASCADE, related_name="dates"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        verbose_name = _("ngày cập nhật trang")
        verbose_name_plural = _("ngày cập nhật trang")

    def __str__(self) -> str:
        return f"{self.page_id}: {self.updated_at}"


def touch_page(page: FlatPage) -> None:
    """Record that `page` changed now (its admin and the demo loader call this after saving it)."""
    PageDates.objects.update_or_create(page=page)
