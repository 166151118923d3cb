"""sitemap.xml: the public pages search engines should know."""

from django.contrib.flatpages.models import FlatPage
from django.contrib.sitemaps import Sitemap
from django.contrib.sites.models import Site
from django.urls import reverse

from meetings.models import Agreement, Meeting
from members.models import Member

from .models import Article


class BothLanguages(Sitemap):
    """Each page listed at its Vietnamese and its English address, each naming the other (hreflang)."""

    i18n = True
    alternates = True
    x_default = True


class ArticleSitemap(BothLanguages):
    changefreq = "weekly"

    def items(self):
        return Article.objects.public()

    def lastmod(self, item: Article):
        return item.updated_at


class MeetingSitemap(BothLanguages):
    def items(self):
        return Meeting.objects.public()

    def lastmod(self, item: Meeting):
        return item.updated_at


class AgreementSitemap(BothLanguages):
    def items(self):
        return Agreement.objects.filter(published=True)


class FlatPageSitemap(BothLanguages):
    """The pages the secretariat writes, at the address of each language (council.urls, "flatpage")."""

    def items(self):
        return FlatPage.objects.filter(sites=Site.objects.get_current(), registration_required=False)

    def location(self, page: FlatPage) -> str:
        return reverse("flatpage", kwargs={"url": page.url.lstrip("/")})


class SectionSitemap(BothLanguages):
    """The site's own pages that are no database rows."""

    def items(self) -> list[str]:
        return ["feedback", "faq", "site_map", "accessibility"]

    def location(self, item: str) -> str:
        return reverse(item)


class MemberSitemap(BothLanguages):
    def items(self):
        return Member.objects.filter(memberships__isnull=False).distinct()


SITEMAPS = {
    "tin-tuc": ArticleSitemap,
    "phien-hop": MeetingSitemap,
    "thoa-thuan": AgreementSitemap,
    "thanh-vien": MemberSitemap,
    "trang": FlatPageSitemap,
    "muc": SectionSitemap,
}
