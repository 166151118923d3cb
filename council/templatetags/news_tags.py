"""News pieces that other apps' pages show."""

from django import template

from council.models import Article

register = template.Library()


@register.inclusion_tag("council/_related_articles.html")
def related_articles(meeting) -> dict:
    """The published articles about `meeting`."""
    return {
        "articles": Article.objects.public()
        .filter(meeting=meeting)
        .only("title", "slug", "published_at")[:10]
    }
