"""The secretariat's side of meeting notices: compose, preview, send or schedule, follow delivery."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override

from council.shared.versioning import StaleFormGuard
from members.models import Member

from . import notice_compose, notice_send
from .models import Attendance, Delivery, Meeting, Notice
from .notice_deliver import build_message

# The rendered email in the preview frame: its own inline styles, nothing else.
EMAIL_PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.SELF],
}

BUTTONS = ("_preview", "_send_now", "_schedule", "_unschedule", "_resend")


class RsvpColumn:
    """The member's answer to the delivery's meeting, as a column of a delivery list (no N+1)."""

    def get_queryset(self, request):
        answer = Attendance.objects.filter(meeting=OuterRef("notice__meeting"), member=OuterRef("member"))
        return super().get_queryset(request).annotate(rsvp_value=Subquery(answer.values("rsvp")[:1]))

    @admin.display(description=gettext_lazy("trả lời"))
    def rsvp(self, obj: Delivery) -> str:
        value = getattr(obj, "rsvp_value", None)
        return Attendance.Rsvp(value).label if value else "–"


def resend_and_report(request: HttpRequest, deliveries) -> None:
    """Queue the failed and skipped ones among `deliveries` again, and tell the secretariat how many."""
    count = notice_send.resend_deliveries(deliveries=deliveries)
    if count:
        messages.success(
            request,
            ngettext(
                "Đã xếp %(n)s lượt gửi vào hàng đợi gửi lại.",
                "Đã xếp %(n)s lượt gửi vào hàng đợi gửi lại.",
                count,
            )
            % {"n": count},
        )
    else:
        messages.info(request, _("Không có lượt gửi lỗi nào gửi lại được."))


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["meeting", "kind", "subject", "body", "send_at"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 90})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # Left blank, they are filled from the template for the kind of notice.
            for name in ("subject", "body"):
                if name in self.fields:
                    self.fields[name].required = False
                    self.fields[name].help_text = _("Để trống để dùng mẫu soạn sẵn theo loại thông báo.")
        if "send_at" in self.fields:
            self.fields["send_at"].help_text = _(
                "Để hẹn giờ: điền thời điểm gửi rồi bấm “Hẹn giờ gửi”. Bấm “Gửi ngay” thì gửi liền."
            )

    def clean_send_at(self):
        send_at = self.cleaned_data.get("send_at")
        if self.instance.state == Notice.State.SCHEDULED and (send_at is None or send_at <= timezone.now()):
            raise forms.ValidationError(_("Thông báo đã hẹn giờ cần một thời điểm gửi trong tương lai."))
        return send_at


class DeliveryInline(RsvpColumn, admin.TabularInline):
    model = Delivery
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    template = "admin/meetings/notice/delivery_inline.html"
    fields = ["member", "address", "state", "attempts", "last_error", "sent_at", "rsvp"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("Tình trạng gửi đến từng thành viên")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notice)
class NoticeAdmin(StaleFormGuard, admin.ModelAdmin):
    # Two secretaries editing one draft: the second save is refused, not silently lost.
    form = NoticeForm
    list_display = ["subject", "meeting", "kind", "state", "send_at", "progress"]
    list_filter = ["state", "kind", "meeting"]
    list_select_related = ["meeting"]
    search_fields = ["subject", "meeting__title"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]
    actions = ["resend_failed"]
    change_form_template = "admin/meetings/notice/change_form.html"

    def get_queryset(self, request):
        by_state = {
            f"n_{state}": Count("deliveries", filter=Q(deliveries__state=state))
            for state in Delivery.State.values
        }
        return super().get_queryset(request).annotate(n_total=Count("deliveries"), **by_state)

    @admin.display(description=gettext_lazy("tình trạng gửi"))
    def progress(self, obj: Notice) -> str:
        if not obj.n_total:
            return "–"
        parts = [_("đã gửi %(sent)s/%(total)s") % {"sent": obj.n_sent, "total": obj.n_total}]
        if obj.n_queued or obj.n_sending:
            parts.append(_("đang chờ %(n)s") % {"n": obj.n_queued + obj.n_sending})
        if obj.n_failed:
            parts.append(_("lỗi %(n)s") % {"n": obj.n_failed})
        if obj.n_skipped:
            parts.append(_("không gửi được %(n)s") % {"n": obj.n_skipped})
        return ", ".join(parts)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["meeting", "kind", "subject", "body", "send_at"]
        return ["meeting", "kind", "state", "subject", "body", "send_at", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.state in notice_compose.EDITABLE_STATES:
            return ["meeting", "kind", "state", "created_by", "created_at"]
        return self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        """`?meeting=<id>&kind=<kind>` (e.g. a link from a meeting) opens the add form prefilled."""
        initial = {"kind": Notice.Kind.INVITATION, **super().get_changeform_initial_data(request)}
        meeting_id = str(initial.get("meeting", ""))
        meeting = Meeting.objects.filter(pk=meeting_id).first() if meeting_id.isdigit() else None
        if meeting is not None and initial["kind"] in Notice.Kind.values:
            draft = Notice(meeting=meeting, kind=initial["kind"], subject="", body="")
            notice_compose.prefill_notice(notice=draft)
            initial.update(subject=draft.subject, body=draft.body)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            notice = notice_compose.compose_notice(
                meeting=obj.meeting,
                kind=obj.kind,
                subject=obj.subject,
                body=obj.body,
                send_at=obj.send_at,
                created_by=request.user,
            )
            # The admin goes on with `obj` (its history entry, the redirect): make it the saved row.
            obj.pk = notice.pk
            obj.refresh_from_db()
            obj._state.adding = False
            return
        fields = [name for name in form.changed_data if name in ("subject", "body", "send_at")]
        if not notice_compose.edit_notice(notice=obj, fields=fields):
            messages.warning(request, _("Thông báo đã được gửi đi nên không lưu các thay đổi."))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            _(
                "Đã soạn thông báo từ mẫu. Xin đọc lại, sửa, xem trước, rồi bấm “Gửi ngay” hoặc “Hẹn giờ gửi”."
            ),
        )
        return HttpResponseRedirect(reverse("admin:meetings_notice_change", args=[obj.pk]))

    def response_change(self, request, obj):
        obj.refresh_from_db()
        here = reverse("admin:meetings_notice_change", args=[obj.pk])
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:meetings_notice_preview", args=[obj.pk]))
        if "_send_now" in request.POST:
            try:
                queued = notice_send.send_notice(notice=obj)
            except notice_compose.NoticeNotEditable:
                messages.warning(request, _("Thông báo này đã được gửi; không gửi lần nữa."))
            except notice_send.NoRecipients:
                messages.error(request, _("Không có thành viên nào để gửi thông báo về phiên họp này."))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Đang gửi thông báo tới %(n)s thành viên.",
                        "Đang gửi thông báo tới %(n)s thành viên.",
                        queued,
                    )
                    % {"n": queued},
                )
            return HttpResponseRedirect(here)
        if "_schedule" in request.POST:
            try:
                notice_send.schedule_notice(notice=obj, send_at=obj.send_at or timezone.now())
            except notice_send.ScheduleInPast:
                messages.error(request, _("Xin điền thời điểm gửi (trong tương lai) trước khi hẹn giờ."))
            except notice_compose.NoticeNotEditable:
                messages.warning(request, _("Thông báo này đã được gửi."))
            else:
                messages.success(request, _("Đã hẹn giờ gửi thông báo."))
            return HttpResponseRedirect(here)
        if "_unschedule" in request.POST:
            try:
                notice_send.unschedule_notice(notice=obj)
            except notice_compose.NoticeNotEditable:
                messages.warning(request, _("Thông báo này không còn ở trạng thái hẹn giờ."))
            else:
                messages.success(request, _("Đã bỏ hẹn giờ; thông báo trở lại bản nháp."))
            return HttpResponseRedirect(here)
        if "_resend" in request.POST:
            resend_and_report(request, Delivery.objects.filter(notice=obj))
            return HttpResponseRedirect(here)
        return super().response_change(request, obj)

    @admin.action(description=gettext_lazy("Gửi lại các lượt gửi bị lỗi"), permissions=["change"])
    def resend_failed(self, request, queryset):
        resend_and_report(request, Delivery.objects.filter(notice__in=queryset))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        notice = self.get_object(request, object_id)
        if notice is not None:
            extra_context.update(
                notice_counts=notice_send.delivery_counts(notice),
                notice_editable=notice.state in notice_compose.EDITABLE_STATES,
                notice_buttons=True,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Preview ---------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:pk>/xem-truoc/",
                self.admin_site.admin_view(self.preview_view),
                name="meetings_notice_preview",
            ),
            path(
                "<int:pk>/xem-truoc/html/",
                self.admin_site.admin_view(self.preview_html_view),
                name="meetings_notice_preview_html",
            ),
            *super().get_urls(),
        ]

    def _preview_message(self, request: HttpRequest, pk: int):
        notice = Notice.objects.select_related("meeting__host_province").filter(pk=pk).first()
        if notice is None or not self.has_view_permission(request, notice):
            raise Http404
        choices = list(notice_send.recipients(notice.meeting))
        member = None
        if request.GET.get("member", "").isdigit():
            member = next((m for m in choices if m.pk == int(request.GET["member"])), None)
        if member is None:
            member = next((m for m in choices if m.email), None) or (choices[0] if choices else None)
        if member is None:
            member = Member(pk=0, full_name=_("Nguyễn Văn A"), email="thanh-vien@example.org")
        delivery = Delivery(
            notice=notice, member=member, address=member.email or "chua-co-dia-chi@example.org"
        )
        return notice, member, choices, build_message(delivery=delivery)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice, member, choices, message = self._preview_message(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": notice,
            "title": _("Xem trước: %(subject)s") % {"subject": notice.subject},
            "member": member,
            "choices": choices,
            "message": message,
            "message_id": message.extra_headers["Message-ID"],
            "text_body": message.body,
            "attachments": [attachment.filename for attachment in message.attachments],
            "html_url": reverse("admin:meetings_notice_preview_html", args=[pk]) + f"?member={member.pk}",
        }
        return TemplateResponse(request, "admin/meetings/notice/preview.html", context)

    @xframe_options_sameorigin
    @csp_override(EMAIL_PREVIEW_CSP)
    def preview_html_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        _notice, _member, _choices, message = self._preview_message(request, pk)
        html = next(
            alternative.content for alternative in message.alternatives if alternative.mimetype == "text/html"
        )
        return HttpResponse(html)


@admin.register(Delivery)
class DeliveryAdmin(RsvpColumn, admin.ModelAdmin):
    list_display = ["member", "notice_label", "address", "state", "attempts", "error", "sent_at", "rsvp"]
    list_filter = ["state", "notice__kind", "notice__meeting"]
    list_select_related = ["member", "notice__meeting"]
    search_fields = ["member__full_name", "address", "notice__subject"]
    date_hierarchy = "sent_at"
    actions = ["resend"]
    readonly_fields = [
        "notice",
        "member",
        "address",
        "state",
        "attempts",
        "last_error",
        "claimed_at",
        "sent_at",
        "due_at",
        "rsvp",
    ]
    fields = readonly_fields

    @admin.display(description=gettext_lazy("thông báo"), ordering="notice__created_at")
    def notice_label(self, obj: Delivery) -> str:
        return f"{obj.notice.get_kind_display()} · {obj.notice.meeting.year} (#{obj.notice_id})"

    @admin.display(description=gettext_lazy("lỗi, lý do"))
    def error(self, obj: Delivery) -> str:
        return Truncator(obj.last_error).chars(120) or "–"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description=gettext_lazy("Gửi lại các lượt đã chọn (lỗi hoặc không gửi được)"), permissions=["change"]
    )
    def resend(self, request, queryset):
        resend_and_report(request, queryset)
