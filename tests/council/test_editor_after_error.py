"""After a form error the editor shows the text as it will be saved: pasted gaps already gone."""

import pytest

from tests.factories import ArticleFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

PASTED = "<p>&nbsp;&nbsp;Hội đồng đã họp.</p><p>&nbsp;</p><p><o:p>&nbsp;</o:p></p><p>Kết luận</p>"


@pytest.fixture
def secretariat(client):
    user = SecretariatFactory()
    client.force_login(user)
    return client


def test_an_article_refused_for_its_slug_comes_back_with_its_body_cleaned(secretariat):
    ArticleFactory(slug="tin-trung")

    response = secretariat.post(
        "/admin/council/article/add/",
        {
            "title_vi": "Tin trùng",
            "slug": "tin-trung",
            "body_vi": PASTED,
            "status": "draft",
            "cover_framing": "fit",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form["body_vi"].value() == "<p>Hội đồng đã họp.</p><p>Kết luận</p>"


def test_a_flat_page_refused_comes_back_with_its_content_cleaned(secretariat):
    response = secretariat.post(
        "/admin/flatpages/flatpage/add/", {"title_vi": "", "url": "/gioi-thieu/", "content_vi": PASTED}
    )

    assert response.status_code == 200
    assert (
        response.context["adminform"].form["content_vi"].value() == "<p>Hội đồng đã họp.</p><p>Kết luận</p>"
    )
