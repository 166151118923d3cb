"""The secretariat edits the English versions beside the Vietnamese, in a Vietnamese admin."""

import html

import pytest
from django.contrib.auth.models import Group
from django.contrib.flatpages.models import FlatPage
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from council.models import Article
from council.shared.permissions import SECRETARIAT_GROUP
from meetings.models import Meeting
from tests.admin_forms import form_fields
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

DIRTY = '<p>Body<script>alert(1)</script></p><img src="/x.png" onerror="alert(2)">'
CLEAN = '<p>Body</p><img src="/x.png">'


@pytest.fixture
def secretariat(client):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=SECRETARIAT_GROUP))
    client.force_login(user)
    return client


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_the_article_form_has_the_english_fields_after_the_vietnamese_in_vietnamese(secretariat):
    secretariat.get("/en/")  # an English page before: the admin stays Vietnamese

    page = secretariat.get(reverse("admin:council_article_add")).content.decode()

    assert '<html lang="vi"' in page
    for name in ("title_vi", "summary_vi", "body_vi", "title_en", "summary_en", "body_en"):
        assert f'id="id_{name}"' in page
    assert 'id="id_title"' not in page
    assert (
        page.index('id="id_body_vi"')
        < page.index("Bản tiếng Anh (không bắt buộc)")
        < page.index('id="id_title_en"')
    )
    assert "Tiêu đề (tiếng Anh)" in page


def test_an_article_saved_with_english_shows_it_under_en_and_keeps_it_in_its_versions(secretariat, client):
    now = timezone.localtime()
    response = secretariat.post(
        reverse("admin:council_article_add"),
        {
            "title_vi": "Hội đồng họp năm 2017",
            "title_en": "The council meets for 2017",
            "slug": "hoi-dong-hop-2017",
            "body_vi": "<p>Nội dung</p>",
            "summary_en": "In Quảng Bình.",
            "body_en": DIRTY,
            "status": "published",
            "cover_framing": "noop",
            "published_at_0": now.strftime("%d/%m/%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.title_vi, article.title_en, article.body_en) == (
        "Hội đồng họp năm 2017",
        "The council meets for 2017",
        CLEAN,
    )
    english = client.get("/en/tin-tuc/hoi-dong-hop-2017/").content.decode()
    assert "The council meets for 2017" in english
    assert "<script>" not in english.split("</header>", 1)[1].split("<script nonce")[0]
    (version,) = Version.objects.get_for_object(article)
    assert version.field_dict["title_en"] == "The council meets for 2017"
    assert version.field_dict["body_en"] == CLEAN


def test_an_english_page_body_is_sanitised_like_the_vietnamese(secretariat):
    response = secretariat.post(
        reverse("admin:flatpages_flatpage_add"),
        {
            "url": "/gioi-thieu/",
            "title_vi": "Giới thiệu",
            "content_vi": DIRTY,
            "content_en": DIRTY,
            "sites": ["1"],
        },
    )

    assert response.status_code == 302
    page = FlatPage.objects.get()
    assert (page.content_vi, page.content_en) == (CLEAN, CLEAN)


def test_an_untouched_form_leaves_the_english_empty_and_the_vietnamese_in_the_original_column(secretariat):
    meeting = MeetingFactory(title="Phiên họp 2030")
    data = form_fields(secretariat.get(change_url(meeting)).content.decode(), "meeting_form")

    assert data["title_vi"] == "Phiên họp 2030"
    assert data["title_en"] == ""
    response = secretariat.post(change_url(meeting), data | {"title_vi": "Phiên họp năm 2030"})

    assert response.status_code == 302
    assert Meeting.objects.filter(title="Phiên họp năm 2030", title_en="").count() == 1


def test_a_stale_form_is_refused_when_the_english_changed_in_another_tab(secretariat):
    meeting = MeetingFactory()
    tab1 = form_fields(secretariat.get(change_url(meeting)).content.decode(), "meeting_form")
    tab2 = dict(tab1)

    assert secretariat.post(change_url(meeting), tab1 | {"title_en": "The 2030 meeting"}).status_code == 302
    response = secretariat.post(change_url(meeting), tab2 | {"summary_vi": "Tóm tắt"})

    assert response.status_code == 200
    errors = html.unescape(str(response.context["adminform"].form.non_field_errors()))
    assert "tiêu đề (tiếng Anh): “–” → “The 2030 meeting”" in errors
    meeting.refresh_from_db()
    assert (meeting.title_en, meeting.summary_vi) == ("The 2030 meeting", "")
