"""The site's own data: news articles and visit statistics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
