from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from sorl.thumbnail import get_thumbnail

from council.shared.kept_uploads import UploadsAdminMixin
from council.shared.text import fold
from council.shared.textsearch import refresh_citing_search_vectors
from council.shared.versioning import ContentAdmin

from . import services
from .forms import MemberAdminForm, MemberImportForm
from .models import Member, Membership, Organisation, Province, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_select_related = ["member"]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    # Set by Django itself; edited in the form they lost their fractions of a second on every save.
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Province)
class ProvinceAdmin(ContentAdmin):
    list_display = ["name", "region", "order", "ended_on", "successor"]
    list_select_related = ["successor"]
    list_filter = ["region"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["successor"]

    def get_search_results(self, request, queryset, search_term):
        """Names matched without diacritics ("hoa binh" finds "Hòa Bình"); there are only 64."""
        words = fold(search_term).split()
        if not words:
            return queryset, False
        names = Province.objects.values_list("pk", "name")
        matching = [pk for pk, name in names if all(word in fold(name) for word in words)]
        return queryset.filter(pk__in=matching), False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # rows whose search vectors hold this one's name
            refresh_citing_search_vectors(obj)


@admin.register(Organisation)
class OrganisationAdmin(ContentAdmin):
    list_display = ["name", "short_name", "kind", "province", "ended_on"]
    list_select_related = ["province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["province", "successor"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # rows whose search vectors hold this one's name
            refresh_citing_search_vectors(obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


class ActiveFilter(admin.SimpleListFilter):
    title = _("đương nhiệm")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Đang giữ vai trò")), ("no", _("Không còn vai trò"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=Member.objects.current().values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=Member.objects.current().values("pk"))
        return queryset


class RoleFilter(admin.SimpleListFilter):
    title = _("vai trò hiện nay")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Membership.Role.choices

    def queryset(self, request, queryset):
        if self.value():
            today = timezone.localdate()
            return queryset.filter(
                Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=today),
                memberships__role=self.value(),
                memberships__started_on__lte=today,
            ).distinct()
        return queryset


@admin.register(Member)
class MemberAdmin(UploadsAdminMixin, ContentAdmin):
    form = MemberAdminForm
    list_display = [
        "thumbnail",
        "full_name",
        "position",
        "organisation",
        "province_name",
        "email",
        "invitation",
    ]
    list_display_links = ["thumbnail", "full_name"]
    list_select_related = ["organisation__province", "user"]
    list_filter = [ActiveFilter, RoleFilter, "organisation__province", "public_contact", "receives_notices"]
    search_fields = ["full_name", "organisation__name", "organisation__short_name", "email"]
    autocomplete_fields = ["organisation", "user"]
    prepopulated_fields = {"slug": ["full_name"]}
    readonly_fields = ["photo_preview"]
    fieldsets = [
        (None, {"fields": ["full_name", "slug", "position", "organisation"]}),
        (_("Ảnh và tiểu sử"), {"fields": ["photo", "photo_preview", "bio"]}),
        (_("Liên hệ"), {"fields": ["email", "phone", "public_contact", "receives_notices"]}),
        (_("Tài khoản"), {"fields": ["user"]}),
    ]
    inlines = [MembershipInline]
    actions = ["invite"]
    change_list_template = "admin/members/member/change_list.html"

    @admin.display(description=_("ảnh"))
    def thumbnail(self, member: Member) -> str:
        if not member.photo:
            return "–"
        thumb = get_thumbnail(member.photo, "40x50", crop="center")
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">', thumb.url, thumb.width, thumb.height
        )

    @admin.display(description=_("xem trước"))
    def photo_preview(self, member: Member) -> str:
        # After a form error the photo just chosen is on the instance but not stored yet.
        if not member.photo or not member.photo._committed:
            return "–"
        thumb = get_thumbnail(member.photo, "240x300", crop="center")
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">', thumb.url, thumb.width, thumb.height
        )

    @admin.display(description=_("tỉnh, thành phố"), ordering="organisation__province__name")
    def province_name(self, member: Member) -> str:
        return str(member.province or "–")

    @admin.display(description=_("tài khoản"))
    def invitation(self, member: Member) -> str:
        """Where the member's account stands: none, invitation waiting or sent, in use."""
        user = member.user
        if user is None:
            return "–"
        if user.has_usable_password():
            return _("Đang dùng")
        if user.invitation_sent_at:
            sent = timezone.localtime(user.invitation_sent_at)
            return _("Đã gửi thư mời %(when)s") % {"when": date_format(sent, "d/m/Y H:i")}
        if user.invited_at:
            return _("Thư mời đang chờ gửi")
        return _("Chưa đặt mật khẩu")

    @admin.action(
        description=_("Tạo tài khoản (nếu chưa có) và gửi thư mời đăng nhập"), permissions=["change"]
    )
    def invite(self, request, queryset):
        invited, problems = 0, []
        for member in queryset:
            try:
                services.invite_member(member=member)
                invited += 1
            except services.AlreadyInvited:
                problems.append(_("%(member)s đã có tài khoản và đang dùng nó.") % {"member": member})
            except services.MissingEmail:
                problems.append(_("%(member)s chưa có địa chỉ thư điện tử.") % {"member": member})
        if invited:
            self.message_user(
                request,
                ngettext("Đã gửi %(n)d thư mời.", "Đã gửi %(n)d thư mời.", invited) % {"n": invited},
                messages.SUCCESS,
            )
        for problem in problems:
            self.message_user(request, problem, messages.WARNING)

    def get_urls(self):
        return [
            path("nhap-csv/", self.admin_site.admin_view(self.import_csv), name="members_member_import"),
            *super().get_urls(),
        ]

    def import_csv(self, request):
        """Import members from CSV: every bad row reported, nothing half-imported."""
        # It adds new members and updates existing ones (matched by email): it needs both rights.
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        report = None
        form = MemberImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = services.import_members(data=form.cleaned_data["file"], user=request.user)
            if not report.errors:
                self.message_user(
                    request,
                    _("Đã nhập: %(created)d thành viên mới, %(updated)d cập nhật.")
                    % {"created": report.created, "updated": report.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:members_member_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập thành viên từ tệp CSV"),
            "form": form,
            "report": report,
            "changelist_url": reverse("admin:members_member_changelist"),
        }
        return TemplateResponse(request, "admin/members/member/import.html", context)
