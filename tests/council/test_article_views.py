import pytest

from council import article_views
from council.shared import held
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_views_are_counted_once_per_visitor_per_day_and_flushed_in_batches(client, django_assert_num_queries):
    article = ArticleFactory()
    for _ in range(3):
        client.get(article.get_absolute_url(), headers={"user-agent": "Trình duyệt A"})
    client.get(article.get_absolute_url(), headers={"user-agent": "Trình duyệt B"})
    article.refresh_from_db()
    stored_before = article.view_count

    assert article_views.pending(article.pk) == 2
    assert article_views.flush_views() == 2
    assert article_views.flush_views() == 0
    article.refresh_from_db()
    assert (stored_before, article.view_count) == (0, 2)
    held.forget_everything()  # the page shows the count of its shell's render: render it again
    assert "2 lượt xem" in client.get(article.get_absolute_url()).content.decode()
