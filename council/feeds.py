"""RSS and Atom feeds of the news and the meetings."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting

from .models import Article


class LatestArticles(Feed):
    title = _("Tin tức – Hội đồng Giám đốc CNTT miền Trung – Tây Nguyên")
    link = reverse_lazy("news:list")
    description = _("Tin mới về Hội đồng và các phiên họp.")

    def items(self):
        return Article.objects.public().select_related("category")[:20]

    def item_title(self, item: Article) -> str:
        return item.title

    # A description is HTML to a feed reader: the plain-text summary is escaped, the
    # body's text keeps its entities (strip_tags leaves them) and is cut at a word.
    def item_description(self, item: Article) -> str:
        if item.summary:
            return escape(item.summary)
        return Truncator(strip_tags(item.body)).words(60)

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_author_name(self, item: Article) -> str:
        return item.author or None

    def item_categories(self, item: Article):
        return [item.category.name] if item.category else []


class LatestArticlesAtom(LatestArticles):
    feed_type = Atom1Feed
    subtitle = LatestArticles.description


class MeetingsFeed(Feed):
    title = _("Phiên họp – Hội đồng Giám đốc CNTT miền Trung – Tây Nguyên")
    link = reverse_lazy("meetings:list")
    description = _("Các phiên họp thường niên của Hội đồng.")

    def items(self):
        return Meeting.objects.public().select_related("host_province")[:20]

    def item_title(self, item: Meeting) -> str:
        return item.title

    def item_description(self, item: Meeting) -> str:
        return escape(item.summary)

    def item_pubdate(self, item: Meeting):
        return item.starts_at

    def item_guid(self, item: Meeting) -> str:
        return f"{settings.SITE_URL}{item.get_absolute_url()}"


class MeetingsAtom(MeetingsFeed):
    feed_type = Atom1Feed
    subtitle = MeetingsFeed.description
