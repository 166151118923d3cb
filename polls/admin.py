"""The secretariat's view of polls: questions, choices, results, CSV export."""

import csv

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from council.shared.versioning import ContentAdmin

from . import services
from .models import Choice, Poll, Vote
from .results import Results

LOCKED_NOTE = _(
    "Cuộc thăm dò đã có phiếu nên các lựa chọn bị khóa: sửa hay xóa lựa chọn sẽ làm sai kết quả. "
    "Muốn hỏi khác đi, hãy kết thúc cuộc thăm dò này và tạo một cuộc thăm dò mới."
)


def has_votes(poll: Poll | None) -> bool:
    """Whether `poll` has any vote, asked once per request and remembered on the object."""
    if poll is None or poll.pk is None:
        return False
    if not hasattr(poll, "_has_votes"):
        poll._has_votes = poll.votes.exists()
    return poll._has_votes


def results_of(poll: Poll) -> Results:
    """Results from the choices prefetched with their counts (see PollAdmin.get_queryset)."""
    return Results.from_choices(poll.counted_choices)


def counted_choices() -> Prefetch:
    return Prefetch("choices", queryset=Choice.objects.with_vote_counts(), to_attr="counted_choices")


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["text", "order"]
    min_num = 2
    validate_min = True

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None else 2

    # Once a poll has votes its choices are read-only: no edits, additions or deletions.
    def has_add_permission(self, request, obj=None):
        return not has_votes(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not has_votes(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not has_votes(obj) and super().has_delete_permission(request, obj)


class PollAdminForm(forms.ModelForm):
    show_in_sidebar = forms.BooleanField(
        label=_("Hiện ở thanh bên"),
        required=False,
        help_text=_("Đánh dấu để đưa cuộc thăm dò này lên thanh bên, thay cho cuộc đang hiện ở đó."),
    )

    class Meta:
        model = Poll
        fields = ["question", "slug", "description", "opens_at", "closes_at", "audience", "results_shown"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_in_sidebar"].initial = self.instance.featured


@admin.register(Poll)
class PollAdmin(ContentAdmin):
    form = PollAdminForm
    list_display = [
        "question",
        "state",
        "opens_at",
        "closes_at",
        "featured",
        "vote_total",
        "results_summary",
    ]
    list_filter = ["featured", "audience", "results_shown"]
    search_fields = ["question", "slug"]
    date_hierarchy = "opens_at"
    prepopulated_fields = {"slug": ["question"]}
    readonly_fields = ["results_table", "created_at"]
    inlines = [ChoiceInline]
    actions = ["close_now", "show_in_sidebar", "export_results_csv"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_vote_totals().prefetch_related(counted_choices())

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["question", "slug", "description"]}),
            (
                _("Thời gian và cách bình chọn"),
                {"fields": ["opens_at", "closes_at", "audience", "results_shown", "show_in_sidebar"]},
            ),
        ]
        if obj is not None:
            results = {"fields": ["results_table", "created_at"]}
            if has_votes(obj):
                results["description"] = LOCKED_NOTE
            fieldsets.append((_("Kết quả"), results))
        return fieldsets

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        wanted = form.cleaned_data["show_in_sidebar"]
        if wanted and not obj.featured:
            services.feature_poll(poll=obj)
        elif not wanted and obj.featured:
            services.unfeature_poll(poll=obj)

    @admin.display(description=_("trạng thái"))
    def state(self, poll: Poll) -> str:
        now = timezone.now()
        if poll.opens_at > now:
            return _("Chưa mở")
        if poll.is_open_at(now):
            return _("Đang mở")
        return _("Đã kết thúc")

    @admin.display(description=_("số phiếu"), ordering="vote_total")
    def vote_total(self, poll: Poll) -> int:
        return poll.vote_total

    @admin.display(description=_("kết quả"))
    def results_summary(self, poll: Poll) -> str:
        rows = results_of(poll).rows
        return format_html_join(
            mark_safe("<br>"), "{}: {} ({} %)", ((row.text, row.votes, row.percent) for row in rows)
        )

    @admin.display(description=_("kết quả"))
    def results_table(self, poll: Poll) -> str:
        results = results_of(poll)
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} %</td></tr>",
            ((row.text, row.votes, row.percent) for row in results.rows),
        )
        return format_html(
            '<table class="poll-admin-results"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            "<tbody>{}</tbody><tfoot><tr><th>{}</th><th>{}</th><th></th></tr></tfoot></table>",
            _("Lựa chọn"),
            _("Số phiếu"),
            _("Tỉ lệ"),
            body,
            _("Tổng số phiếu"),
            results.total,
        )

    @admin.action(description=_("Kết thúc ngay các cuộc thăm dò đã chọn"), permissions=["change"])
    def close_now(self, request, queryset):
        polls = list(queryset)
        for poll in polls:
            services.close_poll(poll=poll)
        self.message_user(
            request,
            ngettext("Đã kết thúc %(count)d cuộc thăm dò.", "Đã kết thúc %(count)d cuộc thăm dò.", len(polls))
            % {"count": len(polls)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Đưa lên thanh bên"), permissions=["change"])
    def show_in_sidebar(self, request, queryset):
        polls = list(queryset[:2])
        if len(polls) != 1:
            self.message_user(
                request, _("Hãy chọn đúng một cuộc thăm dò để hiện ở thanh bên."), messages.ERROR
            )
            return
        services.feature_poll(poll=polls[0])
        self.message_user(
            request, _("Đã đưa “%(poll)s” lên thanh bên.") % {"poll": polls[0]}, messages.SUCCESS
        )

    @admin.action(description=_("Xuất kết quả ra tệp CSV"), permissions=["view"])
    def export_results_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ket-qua-tham-do.csv"'
        # A byte-order mark, so that Excel reads the file as UTF-8 and shows Vietnamese correctly.
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Câu hỏi"), _("Lựa chọn"), _("Số phiếu"), _("Tỉ lệ (%)")])
        for poll in queryset.order_by("opens_at", "pk"):
            results = results_of(poll)
            for row in results.rows:
                writer.writerow([poll.question, row.text, row.votes, row.percent])
            writer.writerow([poll.question, _("Tổng số phiếu"), results.total, 100 if results.total else 0])
        return response


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Votes are evidence: they can be read, and removed (spam), never written here."""

    list_display = ["created_at", "poll", "choice", "voter_kind", "user"]
    list_select_related = ["poll", "choice", "user"]
    list_filter = ["poll"]
    search_fields = ["poll__question", "choice__text", "user__username"]
    date_hierarchy = "created_at"

    @admin.display(description=_("người bình chọn"))
    def voter_kind(self, vote: Vote) -> str:
        kinds = {"user": _("Thành viên"), "guest": _("Khách"), "demo": _("Dữ liệu mẫu")}
        return kinds.get(vote.voter_key.partition(":")[0], vote.voter_key)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
