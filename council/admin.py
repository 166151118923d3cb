import datetime
import re

from django import forms
from django.contrib import admin
from django.contrib.flatpages.admin import FlatPageAdmin
from django.contrib.flatpages.forms import FlatpageForm
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_prose_editor.fields import ProseEditorFormField
from modeltranslation.admin import TranslationAdmin

from . import counter, feedback
from .models import EDITOR_EXTENSIONS, Article, Category, DailyVisits, Feedback, touch_page
from .shared.kept_uploads import IMAGE_LIMITS, KeptFileInput, UploadsAdminMixin
from .shared.sanitize import clean_html
from .shared.translated import english_fieldset, fields_of
from .shared.uploads import clean_image_field, store_image
from .shared.versioning import ContentAdmin, StaleFormGuard

CHART_DAYS = 90
CHART_HEIGHT = 160


def visits_chart(days: list[DailyVisits], *, end: datetime.date) -> dict:
    """Bars of the last CHART_DAYS days (missing days count zero), sized for an SVG."""
    by_day = {row.day: row for row in days}
    dates = [end - datetime.timedelta(days=offset) for offset in range(CHART_DAYS - 1, -1, -1)]
    peak = max([row.visits for row in days] + [1])
    bars = []
    for index, day in enumerate(dates):
        visits = by_day[day].visits if day in by_day else 0
        height = round(visits / peak * CHART_HEIGHT)
        bars.append(
            {"x": index * 8, "y": CHART_HEIGHT - height, "height": height, "day": day, "visits": visits}
        )
    return {"bars": bars, "width": CHART_DAYS * 8, "height": CHART_HEIGHT, "peak": peak}


@admin.register(DailyVisits)
class DailyVisitsAdmin(admin.ModelAdmin):
    """Read-only: the figures come from the counter, copied daily."""

    list_display = ["day", "visits", "unique_visitors", "updated_at"]
    date_hierarchy = "day"
    change_list_template = "admin/council/dailyvisits/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        today = timezone.localdate()
        days = list(DailyVisits.objects.filter(day__gt=today - datetime.timedelta(days=CHART_DAYS)))
        extra_context = {
            **(extra_context or {}),
            "chart": visits_chart(days, end=today),
            "online": counter.snapshot(),
            "title": _("Thống kê truy cập"),
        }
        return super().changelist_view(request, extra_context=extra_context)


class CleanEditorField(ProseEditorFormField):
    """The editor's field: after a form error it shows the text as it will be saved, pasted gaps gone."""

    def bound_data(self, data, initial):
        value = super().bound_data(data, initial)
        return clean_html(value) if isinstance(value, str) else value


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        # Both languages' bodies (council/translation.py) through the same editor and sanitiser.
        field_classes = dict.fromkeys(fields_of("body"), CleanEditorField)
        fields = [
            *fields_of("title"),
            "slug",
            "category",
            *fields_of("summary", "body"),
            "cover",
            "cover_framing",
            "cover_caption",
            "cover_credit",
            "author",
            "source_name",
            "source_url",
            "status",
            "published_at",
            "meeting",
            "provinces",
        ]

    def clean_cover(self):
        return clean_image_field(self.cleaned_data.get("cover"))


class BodyImageForm(forms.Form):
    """One image for the body of an article or page, chosen from the editor's "Browse..." window."""

    image = forms.FileField(label=_("Ảnh"), widget=KeptFileInput(limits=IMAGE_LIMITS, keep=False))
    alt = forms.CharField(
        label=_("Mô tả ảnh"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text=_("Cho người không xem được ảnh, ví dụ: Toàn cảnh phiên họp."),
    )
    caption = forms.CharField(
        label=_("Chú thích"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )


@admin.register(Article)
class ArticleAdmin(UploadsAdminMixin, TranslationAdmin, ContentAdmin):
    form = ArticleAdminForm
    list_display = ["title", "category", "status", "published_at", "is_public_now", "view_count"]
    list_select_related = ["category"]
    list_filter = ["status", "category", "published_at"]
    search_fields = ["title", "summary", "author", "source_name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["meeting", "provinces"]
    readonly_fields = ["view_count"]
    fieldsets = [
        (None, {"fields": ["title_vi", "slug", "category", "summary_vi", "body_vi"]}),
        english_fieldset("title", "summary", "body"),
        (_("Ảnh đại diện"), {"fields": ["cover", "cover_framing", "cover_caption", "cover_credit"]}),
        (_("Nguồn"), {"fields": ["author", "source_name", "source_url"]}),
        (_("Xuất bản"), {"fields": ["status", "published_at", "view_count"]}),
        (_("Liên quan"), {"fields": ["meeting", "provinces"]}),
    ]
    actions = ["publish_now"]

    def view_on_site(self, article: Article) -> str:
        """ "Xem trên trang web": the public page, or the preview while it is not public."""
        return article.get_absolute_url() if article.is_public else reverse("news:preview", args=[article.pk])

    def get_urls(self):
        return [
            path(
                "anh-trong-bai/",
                self.admin_site.admin_view(self.body_image_view),
                name="council_article_body_image",
            ),
            *super().get_urls(),
        ]

    def body_image_view(self, request):
        """The editor's "Browse..." window: an image checked and re-encoded like a cover, then inserted.

        The page that answers a good upload hands the image's URL, description and
        caption to the editor that opened it (static/js/admin-body-image.js) and closes.
        """
        may_edit = self.has_add_permission(request) or self.has_change_permission(request)
        if not (may_edit or request.user.has_perm("flatpages.change_flatpage")):
            raise PermissionDenied
        # The editor's callback number; without one the page shows the URL to copy.
        func_num = request.GET.get("CKEditorFuncNum", "")
        func_num = func_num if re.fullmatch(r"-?\d{1,9}", func_num) else ""
        form = BodyImageForm(request.POST or None, request.FILES or None)
        stored = None
        if request.method == "POST" and form.is_valid():
            try:
                name = store_image(form.cleaned_data["image"], folder=timezone.now().strftime("news/body/%Y"))
            except ValidationError as error:
                form.add_error("image", error)
            else:
                stored = {
                    "url": default_storage.url(name),
                    "alt": form.cleaned_data["alt"],
                    "caption": form.cleaned_data["caption"],
                }
        context = {
            **self.admin_site.each_context(request),
            "title": _("Chèn ảnh vào bài"),
            "is_popup": True,
            "opts": self.opts,
            "form": form,
            "stored": stored,
            "func_num": func_num,
        }
        return TemplateResponse(request, "admin/council/article/body_image.html", context)

    @admin.display(description=_("đang hiện"), boolean=True)
    def is_public_now(self, article: Article) -> bool:
        return article.is_public

    @admin.action(description=_("Xuất bản ngay"), permissions=["change"])
    def publish_now(self, request, queryset):
        for article in queryset:
            article.publish()
        self.message_user(request, _("Đã xuất bản %(n)d bài.") % {"n": queryset.count()})


@admin.register(Category)
class CategoryAdmin(ContentAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


def page_editor(label) -> CleanEditorField:
    return CleanEditorField(label=label, extensions=EDITOR_EXTENSIONS, sanitize=clean_html, required=False)


class FlatPageAdminForm(FlatpageForm):
    """The council's own pages, in both languages: the same editor as the news, and the same sanitiser."""

    content_vi = page_editor(_("nội dung (tiếng Việt)"))
    content_en = page_editor(_("nội dung (tiếng Anh)"))


admin.site.unregister(FlatPage)


@admin.register(FlatPage)
class CouncilFlatPageAdmin(TranslationAdmin, ContentAdmin, FlatPageAdmin):
    form = FlatPageAdminForm
    fieldsets = [
        (None, {"fields": ["url", "title_vi", "content_vi", "sites"]}),
        english_fieldset("title", "content"),
        *FlatPageAdmin.fieldsets[1:],
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        touch_page(obj)


@admin.register(Feedback)
class FeedbackAdmin(StaleFormGuard, admin.ModelAdmin):
    """Messages from the public form: read them, answer (mailed to the sender), publish on Hỏi đáp."""

    list_display = ["subject", "name", "email", "created_at", "is_answered", "published"]
    list_select_related = ["meeting", "article"]
    list_filter = ["published", ("answered_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["subject", "message", "name", "email"]
    date_hierarchy = "created_at"
    fields = [
        "name",
        "email",
        "subject",
        "meeting",
        "article",
        "message",
        "created_at",
        "notified_at",
        "answer",
        "published",
        "answered_at",
        "answer_sent_at",
    ]
    readonly_fields = [
        "name",
        "email",
        "subject",
        "meeting",
        "article",
        "message",
        "created_at",
        "notified_at",
        "answered_at",
        "answer_sent_at",
    ]

    @admin.display(description=_("đã trả lời"), boolean=True)
    def is_answered(self, item: Feedback) -> bool:
        return bool(item.answer)

    def has_add_permission(self, request) -> bool:
        return False  # messages come from the public form only

    def save_model(self, request, obj: Feedback, form, change: bool) -> None:
        mailed = feedback.answer_feedback(
            feedback=obj, answer=form.cleaned_data["answer"], published=form.cleaned_data["published"]
        )
        if mailed:
            self.message_user(request, _("Câu trả lời sẽ được gửi đến %(email)s.") % {"email": obj.email})


# Authenticator apps and recovery codes are enrolled with `manage.py enrol_two_factor`
# (council/two_factor.py), not edited in the admin: their secrets never show on a page.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
