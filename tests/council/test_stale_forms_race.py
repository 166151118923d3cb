"""Two saves of one article at the same moment, from forms opened together: one wins, one is refused."""

import html
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from council.shared.permissions import SECRETARIAT_GROUP
from council.shared.versioning import ContentAdmin
from tests.admin_forms import form_fields
from tests.factories import ArticleFactory, UserFactory

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
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(user)
    forms = [form_fields(tab.get(change_url(article)).text, "article_form") for tab in tabs]

    first_saving, second_sent = threading.Event(), threading.Event()
    save_model = ContentAdmin.save_model

    def slow_first_save(self, request, obj, form, change):
        if not first_saving.is_set():
            first_saving.set()
            second_sent.wait(timeout=10)
            time.sleep(0.5)  # the second request reaches its check meanwhile (or is still on its way)
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(ContentAdmin, "save_model", slow_first_save)
    answers = {}

    def post(index, changes):
        try:
            answers[index] = tabs[index].post(change_url(article), forms[index] | changes)
        finally:
            connection.close()

    first = threading.Thread(target=post, args=(0, {"title_vi": "Tiêu đề của thẻ 1"}))
    first.start()
    assert first_saving.wait(timeout=10)
    second = threading.Thread(target=post, args=(1, {"cover_caption": "Chú thích của thẻ 2"}))
    second.start()
    second_sent.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert answers[0].status_code == 302
    assert answers[1].status_code == 200
    assert REFUSED in errors_of(answers[1])
    article.refresh_from_db()
    assert (article.title, article.cover_caption) == ("Tiêu đề của thẻ 1", "Chú thích đầu")
