"""The council's provinces, organisations, people and their roles over time."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.shared.changes import ChangeAnnouncingQuerySet
from council.shared.textsearch import SearchIndexed, SearchIndexedQuerySet


class User(AbstractUser):
    """A login account: secretariat staff, or a council member (see Member.user).

    A member's account is made by an invitation (members.services.invite_member): the
    two dates below are its mail's, so that a mail lost with a dead broker or a failing
    mail server is sent again by the sweep, and the admin shows where each invitation is.
    """

    invited_at = models.DateTimeField(_("mời lúc"), null=True, blank=True, editable=False)
    invitation_sent_at = models.DateTimeField(_("gửi thư mời lúc"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")


class Region(models.TextChoices):
    NORTH_CENTRAL = "north_central", _("Bắc Trung Bộ")
    SOUTH_CENTRAL = "south_central", _("Duyên hải Nam Trung Bộ")
    HIGHLANDS = "highlands", _("Tây Nguyên")
    OTHER = "other", _("Khác")


class ProvinceQuerySet(ChangeAnnouncingQuerySet):
    def current(self):
        """Provinces that exist today (not merged away)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate()))


class Province(models.Model):
    """A province or centrally-run city; merged ones keep their name and point to the successor."""

    name = models.CharField(_("tên"), max_length=100, unique=True)
    slug = models.SlugField(_("đường dẫn"), max_length=100, unique=True)
    region = models.CharField(_("vùng"), max_length=20, choices=Region, default=Region.OTHER)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    ended_on = models.DateField(
        _("ngày kết thúc"), null=True, blank=True, help_text=_("Ngày tỉnh được sáp nhập vào tỉnh khác.")
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class Organisation(models.Model):
    """A department, ministry, college or company that council members work for."""

    class Kind(models.TextChoices):
        PROVINCIAL_DEPARTMENT = "department", _("Sở")
        PROVINCIAL_GOVERNMENT = "government", _("UBND tỉnh")
        MINISTRY = "ministry", _("Bộ, cơ quan Trung ương")
        COLLEGE = "college", _("Trường cao đẳng, đại học")
        COMPANY = "company", _("Doanh nghiệp")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên"), max_length=200, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind, default=Kind.OTHER)
    province = models.ForeignKey(
        Province,
        verbose_name=_("tỉnh, thành phố"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    website = models.URLField(_("trang web"), blank=True)
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    objects = ChangeAnnouncingQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(SearchIndexedQuerySet):
    def current(self):
        """Members holding a council role today."""
        today = timezone.localdate()
        return self.filter(
            Q(memberships__ended_on__isnull=True) | Q(memberships__ended_on__gte=today),
            memberships__started_on__lte=today,
        ).distinct()

    def former(self):
        """Members who held a role once and hold none today."""
        return self.filter(memberships__isnull=False).exclude(pk__in=self.current().values("pk")).distinct()


class Member(SearchIndexed):
    """A person who sits, or sat, on the council or its secretariat."""

    SEARCH_FIELDS = {
        "A": ["full_name"],
        "B": ["position", "organisation__name", "organisation__province__name"],
    }

    full_name = models.CharField(_("họ và tên"), max_length=120)
    slug = models.SlugField(_("đường dẫn"), max_length=140, unique=True)
    photo = models.ImageField(_("ảnh"), upload_to="members/%Y/", blank=True)
    bio = models.TextField(_("tiểu sử"), blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    public_contact = models.BooleanField(
        _("công khai thông tin liên hệ"),
        default=False,
        help_text=_("Chỉ khi thành viên đồng ý."),
    )
    receives_notices = models.BooleanField(_("nhận thông báo họp qua thư điện tử"), default=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(
        _("chức vụ"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Giám đốc Sở Thông tin và Truyền thông."),
    )
    user = models.OneToOneField(
        "members.User",
        verbose_name=_("tài khoản đăng nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("members:detail", kwargs={"slug": self.slug})

    @property
    def province(self) -> Province | None:
        return self.organisation.province if self.organisation else None

    @property
    def can_receive_mail(self) -> bool:
        return bool(self.email) and self.receives_notices


class MembershipQuerySet(ChangeAnnouncingQuerySet):
    def on(self, day: datetime.date):
        """Roles held on `day`."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)

    def current(self):
        return self.on(timezone.localdate())


class Membership(models.Model):
    """A role a member held on the council, from a start date to an optional end date."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chủ tịch")
        VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
        MEMBER = "member", _("Thành viên")
        SECRETARIAT = "secretariat", _("Tổ giúp việc")

    member = models.ForeignKey(
        Member, verbose_name=_("thành viên"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role, default=Role.MEMBER)
    started_on = models.DateField(_("ngày bắt đầu"))
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("vai trò trong Hội đồng")
        verbose_name_plural = _("vai trò trong Hội đồng")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="members_membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.get_role_display()}"

    def clean(self) -> None:
        """The council has one chair at a time: chair terms may not overlap."""
        if self.role != self.Role.CHAIR or not self.started_on:
            return
        overlapping = Membership.objects.filter(role=self.Role.CHAIR).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
        if self.ended_on:
            overlapping = overlapping.filter(started_on__lte=self.ended_on)
        if clash := overlapping.select_related("member").first():
            raise ValidationError(
                _("Hội đồng chỉ có một Chủ tịch tại một thời điểm: %(member)s giữ vai trò này từ %(start)s.")
                % {"member": clash.member, "start": clash.started_on.strftime("%d/%m/%Y")},
                code="two_chairs",
            )

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)
