"""The one caching design: shells keyed on what a page reads, one invalidation path for every write."""

import pytest
from django.apps import apps

from council.models import Article, Category
from council.shared import shells
from council.shared.changes import ChangeAnnouncingQuerySet
from meetings.models import Meeting
from polls import caching
from polls.services import close_poll
from tests.factories import ArticleFactory, MeetingFactory, poll_with_choices

pytestmark = pytest.mark.django_db


def kept_shells() -> int:
    return len(shells._kept)


def test_unknown_query_parameters_make_no_new_shell(client, django_assert_num_queries):
    MeetingFactory(title="Phiên họp năm 2026")
    client.get("/phien-hop/")
    assert kept_shells() == 1

    with django_assert_num_queries(0):
        for number in range(1, 1001):
            response = client.get(f"/phien-hop/?x={number}")
            assert response.status_code == 200

    assert kept_shells() == 1
    assert "x=1000" not in response.content.decode()


def test_the_parameters_a_page_reads_make_their_own_shells_normalised(client, settings):
    settings.NEWS_PER_PAGE = 1
    ArticleFactory(title="Bài cũ")
    ArticleFactory(title="Bài mới")

    first = client.get("/tin-tuc/").content.decode()
    second = client.get("/tin-tuc/?page=2&utm_source=zalo").content.decode()
    again = client.get("/tin-tuc/?utm_source=facebook&page=%202%20").content.decode()

    assert ("Bài mới" in first, "Bài cũ" in first) == (True, False)
    assert ("Bài mới" in second, "Bài cũ" in second) == (False, True)
    assert ("Bài mới" in again, "Bài cũ" in again) == (False, True)
    assert kept_shells() == 2


def test_search_results_are_kept_until_public_content_changes(client, django_assert_num_queries):
    ArticleFactory(title="Chuyển đổi số tỉnh Quảng Bình")
    first = client.get("/tim-kiem/", {"q": "quang binh"}).content.decode()

    with django_assert_num_queries(0):
        again = client.get("/tim-kiem/", {"q": "QUẢNG BÌNH"}).content.decode()  # the same words, folded
    ArticleFactory(title="Quảng Bình đăng cai phiên họp")
    after_a_save = client.get("/tim-kiem/", {"q": "quang binh"}).content.decode()

    assert "Chuyển đổi số" in first and "Chuyển đổi số" in again
    assert "đăng cai" not in first
    assert "đăng cai" in after_a_save


def test_search_pages_come_from_shells_per_query(client, django_assert_num_queries):
    ArticleFactory(title="Hội nghị chuyển đổi số")
    found = client.get("/tim-kiem/", {"q": "chuyen doi so"}).content.decode()

    with django_assert_num_queries(0):
        again = client.get("/tim-kiem/", {"q": "chuyen doi so", "trang": "x"}).content.decode()

    assert "Hội nghị chuyển đổi số" in found and "Hội nghị chuyển đổi số" in again
    assert kept_shells() == 1


@pytest.mark.parametrize(
    "write",
    [
        lambda: Meeting.objects.update(title="Tên mới"),
        lambda: Meeting.objects.bulk_update(
            [Meeting(pk=meeting.pk, title="Tên mới") for meeting in Meeting.objects.all()], ["title"]
        ),
        lambda: MeetingFactory(title="Tên mới") and None,
        lambda: Meeting.objects.filter(title="Tên cũ").delete(),
    ],
    ids=["update", "bulk_update", "save", "queryset delete"],
)
def test_every_kind_of_write_shows_at_once(client, write):
    MeetingFactory(title="Tên cũ", status=Meeting.Status.HELD)
    assert "Tên cũ" in client.get("/phien-hop/").content.decode()

    write()

    page = client.get("/phien-hop/").content.decode()
    for title in ("Tên cũ", "Tên mới"):
        assert (title in page) == Meeting.objects.filter(title=title).exists()


def test_bulk_create_shows_at_once(client):
    client.get("/tin-tuc/")

    Category.objects.bulk_create([Category(name="Chuyên mục hàng loạt", slug="hang-loat", order=9)])

    assert "Chuyên mục hàng loạt" in client.get("/tin-tuc/").content.decode()


def test_closing_a_poll_by_update_reaches_the_poll_caches(client):
    poll, _choices = poll_with_choices("Có", "Không", featured=True)
    client.get(poll.get_absolute_url())
    assert caching.featured_poll()[0].closes_at is None

    close_poll(poll=poll)  # one UPDATE: no save signal, announced by the queryset

    assert caching.featured_poll()[0].closes_at is not None
    assert caching.poll_for_page(poll.slug).closes_at is not None


def test_article_views_counted_by_update_leave_no_stale_count(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    version = shells.content_version()

    Article.objects.filter(pk=article.pk).update(view_count=41)

    assert shells.content_version() != version


def test_every_model_shown_on_public_pages_announces_its_bulk_writes():
    """A model whose bulk writes went unannounced would leave stale pages until PAGE_SHELL_SECONDS."""
    silent = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in shells.SHOWN_APPS
        and model._meta.label not in shells.NOT_SHOWN
        # Django's own (flat pages and their sites): saved one by one, in the admin.
        and model._meta.app_label != "flatpages"
        and not isinstance(model._default_manager.all(), ChangeAnnouncingQuerySet)
    ]
    assert silent == []
