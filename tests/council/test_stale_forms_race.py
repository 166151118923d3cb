"""Two saves of one article at the same moment, from forms opened together: one wins, one is refused."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import form_fields, saves_at_the_same_moment
from tests.factories import ArticleFactory, SecretariatFactory

REFUSED = "Chưa lưu: trang này đã được sửa ở nơi khác"


def change_url(obj) -> str:
    return reverse("admin:council_article_change", args=[obj.pk])


def errors_of(response) -> str:
    return html.unescape(str(response.context["adminform"].form.non_field_errors()))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_stale_pair_at_the_same_moment_one_wins_one_is_refused(monkeypatch):
    """Two tabs press "Lưu lại" together: the row is locked from the check to the commit."""
    article = ArticleFactory(title="Bản đầu", cover_caption="Chú thích đầu")
    user = SecretariatFactory()
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(user)
    forms = [form_fields(tab.get(change_url(article)).text, "article_form") for tab in tabs]

    first_answer, second_answer = saves_at_the_same_moment(
        monkeypatch,
        lambda: tabs[0].post(change_url(article), forms[0] | {"title_vi": "Tiêu đề của thẻ 1"}),
        lambda: tabs[1].post(change_url(article), forms[1] | {"cover_caption": "Chú thích của thẻ 2"}),
    )

    assert first_answer.status_code == 302
    assert second_answer.status_code == 200
    assert REFUSED in errors_of(second_answer)
    article.refresh_from_db()
    assert (article.title, article.cover_caption) == ("Tiêu đề của thẻ 1", "Chú thích đầu")
