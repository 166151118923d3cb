import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_sitemap_lists_the_articles(client):
    article = ArticleFactory()

    sitemap = client.get("/sitemap.xml").content.decode()

    assert article.get_absolute_url() in sitemap
