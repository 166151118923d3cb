"""Visitor polls, their choices and votes."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.shared.changes import ChangeAnnouncingQuerySet


class PollQuerySet(ChangeAnnouncingQuerySet):
    def started(self, now: datetime.datetime | None = None):
        """Polls the public may see: open now, or open once and since closed."""
        return self.filter(opens_at__lte=now or timezone.now())

    def open(self, now: datetime.datetime | Now | None = None):
        """Polls taking votes now (by this process's clock, or `Now()`: the database's)."""
        now = now or timezone.now()
        return self.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now), opens_at__lte=now)

    def closed(self, now: datetime.datetime | None = None):
        """Polls that have stopped taking votes: the archive."""
        return self.filter(closes_at__lte=now or timezone.now())

    def with_vote_totals(self):
        """Each poll with `vote_total`, summed from its choices' tallies (Tally)."""
        return self.annotate(vote_total=Coalesce(Sum("choices__tallies__votes"), 0))


class Poll(models.Model):
    """A question put to the site's visitors, or to council members only."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Mọi người")
        MEMBERS = "members", _("Chỉ thành viên đã đăng nhập")

    class ResultsShown(models.TextChoices):
        ALWAYS = "always", _("Luôn luôn")
        AFTER_VOTING = "after_voting", _("Sau khi bình chọn")
        AFTER_CLOSING = "after_closing", _("Sau khi kết thúc")

    question = models.CharField(_("câu hỏi"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=100, unique=True)
    description = models.TextField(
        _("giới thiệu"), blank=True, help_text=_("Vài dòng giải thích, hiện trên trang của cuộc thăm dò.")
    )
    opens_at = models.DateTimeField(_("mở lúc"), default=timezone.now)
    closes_at = models.DateTimeField(
        _("kết thúc lúc"), null=True, blank=True, help_text=_("Để trống: mở cho đến khi kết thúc bằng tay.")
    )
    audience = models.CharField(
        _("ai được bình chọn"), max_length=16, choices=Audience, default=Audience.EVERYONE
    )
    results_shown = models.CharField(
        _("hiện kết quả"), max_length=16, choices=ResultsShown, default=ResultsShown.ALWAYS
    )
    featured = models.BooleanField(
        _("hiện ở thanh bên"), default=False, help_text=_("Mỗi lúc chỉ một cuộc thăm dò hiện ở thanh bên.")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = PollQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("cuộc thăm dò")
        verbose_name_plural = _("cuộc thăm dò")
        constraints = [
            models.UniqueConstraint(
                fields=["featured"],
                condition=Q(featured=True),
                name="polls_poll_one_featured",
                violation_error_message=_("Đã có một cuộc thăm dò khác hiện ở thanh bên."),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gte=models.F("opens_at")),
                name="polls_poll_closes_after_opening",
                violation_error_message=_("Thời điểm kết thúc phải sau thời điểm mở."),
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("polls:detail", kwargs={"slug": self.slug})

    def is_open_at(self, moment: datetime.datetime) -> bool:
        return self.opens_at <= moment and (self.closes_at is None or moment < self.closes_at)

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    @property
    def has_started(self) -> bool:
        return self.opens_at <= timezone.now()

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()

    @property
    def members_only(self) -> bool:
        return self.audience == self.Audience.MEMBERS

    def results_visible(self, *, has_voted: bool) -> bool:
        """Whether a visitor who has (or has not) voted may see the results now."""
        if self.results_shown == self.ResultsShown.ALWAYS or self.is_closed:
            return True
        return self.results_shown == self.ResultsShown.AFTER_VOTING and has_voted


class ChoiceQuerySet(ChangeAnnouncingQuerySet):
    def with_vote_counts(self):
        """Each choice with `vote_count`, summed from its tallies (Tally) in the same (single) query."""
        return self.annotate(vote_count=Coalesce(Sum("tallies__votes"), 0)).order_by("order", "pk")


class Choice(models.Model):
    """One of a poll's possible answers."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("cuộc thăm dò"), on_delete=models.CASCADE, related_name="choices"
    )
    text = models.CharField(_("lựa chọn"), max_length=200)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("lựa chọn")
        verbose_name_plural = _("lựa chọn")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "text"],
                name="polls_choice_unique_text",
                violation_error_message=_("Cuộc thăm dò đã có lựa chọn này."),
            ),
        ]

    def __str__(self) -> str:
        return self.text


def _linked_keys(voter_key: str) -> Q:
    """The keys linked to this voter's (VoterLink), as a filter on votes.

    A member ("user:<id>") is also every browser they have signed in from, and
    such a browser's guest key ("guest:<token>") is also each member who signed
    in from it (whose votes carry their account).
    """
    if voter_key.startswith("user:"):
        linked = VoterLink.objects.filter(user_id=int(voter_key.removeprefix("user:"))).values("guest_key")
        return Q(voter_key__in=linked)
    return Q(user_id__in=VoterLink.objects.filter(guest_key=voter_key).values("user_id"))


class VoteQuerySet(ChangeAnnouncingQuerySet):
    def of_voter(self, voter_key: str):
        """Votes by this voter under any of their keys: a member's browsers, a browser's members.

        One query, subqueries included (see _linked_keys).
        """
        return self.filter(Q(voter_key=voter_key) | _linked_keys(voter_key))

    def under_linked_keys(self, voter_key: str):
        """Votes by this voter under keys linked to theirs, not under their own.

        Without of_voter's OR, PostgreSQL finds them through the indexes
        instead of reading every vote of the poll.
        """
        return self.filter(_linked_keys(voter_key)).exclude(voter_key=voter_key)


class Vote(models.Model):
    """One voter's vote in one poll; the unique constraint is what makes it one."""

    poll = models.ForeignKey(
        Poll, verbose_name=_("cuộc thăm dò"), on_delete=models.CASCADE, related_name="votes"
    )
    # RESTRICT: a choice that has votes is never deleted on its own, but deleting
    # the whole poll still takes its choices and votes with it.
    choice = models.ForeignKey(
        Choice, verbose_name=_("lựa chọn"), on_delete=models.RESTRICT, related_name="votes"
    )
    # "user:<id>" for a logged-in member, "guest:<token>" for a visitor with the
    # signed cookie; never an IP address.
    voter_key = models.CharField(_("người bình chọn"), max_length=80)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="poll_votes",
    )
    # The database's clock, read after the poll row was locked: the same clock
    # that close_poll() writes closes_at with, so the two compare exactly.
    created_at = models.DateTimeField(_("bình chọn lúc"), db_default=Now())

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("phiếu bình chọn")
        verbose_name_plural = _("phiếu bình chọn")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter_key"], name="polls_vote_unique_voter"),
        ]

    def __str__(self) -> str:
        return _("Phiếu số %(number)s") % {"number": self.pk}


class VoterLink(models.Model):
    """A browser's guest voter key and a member who signed in from it: one voter, not two."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="poll_voter_links",
    )
    guest_key = models.CharField(_("khóa người bình chọn khách"), max_length=80)
    created_at = models.DateTimeField(_("liên kết lúc"), db_default=Now())

    class Meta:
        verbose_name = _("liên kết người bình chọn")
        verbose_name_plural = _("liên kết người bình chọn")
        constraints = [
            models.UniqueConstraint(fields=["guest_key", "user"], name="polls_voterlink_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.guest_key} → {self.user_id}"


class Tally(models.Model):
    """A part of a choice's vote count, kept by the database as votes are written.

    Triggers on the votes table (migration 0003) add one for each vote
    inserted and take one off for each deleted, in the same transaction, so
    the tallies of a choice always add up to its vote rows, whatever wrote
    them. A poll's results are then a sum of a few rows instead of a count of
    all its votes. Each database connection adds to a part of its own
    (`shard`), so votes from different processes never wait for each other's
    commit to update the same row (16 parts a choice on PostgreSQL, one on
    SQLite). Nothing in Django writes these rows.
    """

    choice = models.ForeignKey(
        Choice, verbose_name=_("lựa chọn"), on_delete=models.CASCADE, related_name="tallies"
    )
    shard = models.PositiveSmallIntegerField(_("phần"))
    votes = models.IntegerField(_("số phiếu"), default=0)

    class Meta:
        verbose_name = _("phần số phiếu")
        verbose_name_plural = _("phần số phiếu")
        constraints = [
            models.UniqueConstraint(fields=["choice", "shard"], name="polls_tally_one_per_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.choice_id}/{self.shard}: {self.votes}"
