"""Previews of what is not public yet: staff only, never indexed, never kept or cached."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import Article
from council.shared import shells
from meetings.models import Meeting
from tests.factories import ArticleFactory, MeetingFactory, SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    user = SecretariatFactory()
    return user


def unpublished():
    """A draft article, a scheduled one and a draft meeting, with their preview addresses."""
    draft = ArticleFactory(title="Bài nháp", status=Article.Status.DRAFT)
    later = timezone.now() + datetime.timedelta(days=2)
    scheduled = ArticleFactory(title="Bài hẹn giờ", status=Article.Status.PUBLISHED, published_at=later)
    meeting = MeetingFactory(title="Phiên họp nháp", status=Meeting.Status.DRAFT)
    return [
        (draft, reverse("news:preview", args=[draft.pk])),
        (scheduled, reverse("news:preview", args=[scheduled.pk])),
        (meeting, reverse("meetings:preview", args=[meeting.pk])),
    ]


def test_staff_preview_unpublished_pages_never_indexed_nor_cached(client, secretary, monkeypatch):
    kept = []
    monkeypatch.setattr(shells._kept, "keep", lambda *args, **kwargs: kept.append(args))
    client.force_login(secretary)
    for obj, url in unpublished():
        assert client.get(obj.get_absolute_url()).status_code == 404  # not public

        response = client.get(url)

        assert response.status_code == 200
        assert obj.title in response.text
        assert '<meta name="robots" content="noindex">' in response.text
        assert "Bản xem trước: trang này chưa công khai" in response.text
        assert response["X-Robots-Tag"] == "noindex"
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}
    assert kept == []  # no page shell was kept


@pytest.mark.parametrize("who", ["anonymous", "member", "staff without rights"])
def test_anyone_else_gets_404(client, who):
    if who == "member":
        client.force_login(UserFactory())
    elif who == "staff without rights":
        client.force_login(UserFactory(is_staff=True))
    for _obj, url in unpublished():
        assert client.get(url).status_code == 404


def test_a_preview_does_not_count_a_view(client, secretary):
    article, url = unpublished()[0]
    client.force_login(secretary)
    client.get(url)
    from council import article_views

    assert article_views.pending(article.pk) == 0


def test_view_on_site_in_the_admin_goes_to_the_preview_while_not_public(client, secretary):
    client.force_login(secretary)
    for obj, url in unpublished():
        opts = obj._meta
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert f'href="{url}"' in page.text
    published = ArticleFactory(status=Article.Status.PUBLISHED, published_at=timezone.now())
    page = client.get(reverse("admin:council_article_change", args=[published.pk]))
    assert f'href="{published.get_absolute_url()}"' in page.text
