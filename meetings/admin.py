from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from sorl.thumbnail import get_thumbnail

from council.shared.kept_uploads import UploadsAdminMixin
from council.shared.textsearch import refresh_citing_search_vectors
from council.shared.translated import english_fieldset
from council.shared.versioning import ContentAdmin

from . import services
from .forms import MeetingAdminForm, PhotoInlineForm
from .models import AgendaItem, Agreement, Attendance, Document, FollowUp, Meeting, Photo, Recommendation


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["presenter"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "rsvp", "responded_at", "attended"]
    readonly_fields = ["responded_at"]


class DocumentInline(UploadsAdminMixin, admin.TabularInline):
    model = Document
    extra = 0
    prepopulated_fields = {"slug": ["title"]}
    fields = ["kind", "number", "title", "slug", "file", "published", "order"]


class PhotoInline(UploadsAdminMixin, admin.TabularInline):
    model = Photo
    form = PhotoInlineForm
    extra = 0
    fields = ["preview", "image", "caption", "credit", "order"]
    readonly_fields = ["preview"]

    @admin.display(description=_("xem trước"))
    def preview(self, photo: Photo) -> str:
        # After a form error a photo just chosen is on the instance but not stored yet.
        if not photo.pk or not photo.image or not photo.image._committed:
            return "–"
        thumb = get_thumbnail(photo.image, "120x80", crop="center")
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">', thumb.url, thumb.width, thumb.height
        )


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = [("title", "status"), ("topic", "addressed_to"), "body", "order"]


class FollowUpInline(admin.TabularInline):
    """Entered from the later meeting: how an earlier recommendation was followed up."""

    model = FollowUp
    fk_name = "meeting"
    extra = 0
    autocomplete_fields = ["recommendation"]
    verbose_name = _("theo dõi kiến nghị của phiên họp trước")
    verbose_name_plural = _("theo dõi kiến nghị của các phiên họp trước")


@admin.register(Meeting)
class MeetingAdmin(UploadsAdminMixin, TranslationAdmin, ContentAdmin):
    form = MeetingAdminForm
    list_display = ["title", "year", "starts_at", "host_province", "status", "public_link"]
    list_select_related = ["host_province"]
    list_filter = ["status", "year", "host_province"]
    search_fields = ["title", "venue", "summary", "host_province__name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["host_province", "chair", "next_host"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title_vi", "slug", ("year", "status")]}),
        (
            _("Thời gian, địa điểm"),
            {"fields": [("starts_at", "ends_at"), ("host_province", "venue"), "chair", "next_host"]},
        ),
        (_("Nội dung"), {"fields": ["summary_vi", "body"]}),
        english_fieldset("title", "summary"),
        (_("Ảnh"), {"fields": ["new_photos", "new_photos_credit"]}),
    ]
    inlines = [
        AgendaItemInline,
        AttendanceInline,
        DocumentInline,
        PhotoInline,
        RecommendationInline,
        FollowUpInline,
    ]
    actions = ["copy_as_next_year"]

    def view_on_site(self, meeting: Meeting) -> str:
        """ "Xem trên trang web": the public page, or the preview of a draft."""
        return (
            meeting.get_absolute_url()
            if meeting.is_public
            else reverse("meetings:preview", args=[meeting.pk])
        )

    @admin.display(description=_("trang công khai"))
    def public_link(self, meeting: Meeting) -> str:
        if not meeting.is_public:
            return "–"
        return format_html('<a href="{}">{}</a>', meeting.get_absolute_url(), _("xem"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # its documents' and articles' search vectors hold its title and province
            refresh_citing_search_vectors(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        files = form.cleaned_data.get("new_photos") or []
        if files:
            photos = services.add_photos(
                meeting=form.instance, files=files, credit=form.cleaned_data.get("new_photos_credit", "")
            )
            self.message_user(request, _("Đã thêm %(n)d ảnh.") % {"n": len(photos)}, messages.SUCCESS)

    @admin.action(description=_("Sao chép thành bản nháp phiên họp năm sau"), permissions=["add"])
    def copy_as_next_year(self, request, queryset):
        for meeting in queryset:
            copy = services.copy_meeting(meeting=meeting)
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Đã tạo bản nháp:"),
                    reverse("admin:meetings_meeting_change", args=[copy.pk]),
                    copy.title,
                ),
                messages.SUCCESS,
            )


@admin.register(Recommendation)
class RecommendationAdmin(ContentAdmin):
    list_display = ["title", "meeting", "topic", "addressed_to", "status"]
    list_select_related = ["meeting"]
    list_filter = ["status", "topic", "meeting"]
    list_editable = ["status"]
    search_fields = ["title", "body", "topic", "addressed_to", "meeting__title"]
    autocomplete_fields = ["meeting"]


@admin.register(Document)
class DocumentAdmin(UploadsAdminMixin, ContentAdmin):
    list_display = ["title", "number", "kind", "meeting", "published", "text_status"]
    list_select_related = ["meeting"]
    list_filter = ["kind", "published", "text_status", "meeting"]
    readonly_fields = ["text_status"]
    search_fields = ["title", "number", "meeting__title"]
    autocomplete_fields = ["meeting"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Agreement)
class AgreementAdmin(UploadsAdminMixin, TranslationAdmin, ContentAdmin):
    list_display = ["title", "signed_on", "meeting", "valid_until", "published"]
    list_select_related = ["meeting"]
    list_filter = ["published", "signed_on"]
    search_fields = ["title", "summary", "parties__name"]
    autocomplete_fields = ["parties", "meeting"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "signed_on"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title_vi",
                    "slug",
                    "parties",
                    ("signed_on", "valid_until"),
                    "meeting",
                    "summary_vi",
                    "document",
                    "published",
                ]
            },
        ),
        english_fieldset("title", "summary"),
    ]


from . import notice_admin  # noqa: E402, F401  registers NoticeAdmin and DeliveryAdmin
