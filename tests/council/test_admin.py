import pytest
from django.urls import reverse
from django.utils import timezone

from council.models import Article
from tests.factories import SecretariatFactory

pytestmark = pytest.mark.django_db


def test_admin_saves_an_article_clean(client):
    user = SecretariatFactory()
    client.force_login(user)
    now = timezone.localtime()

    client.post(
        reverse("admin:council_article_add"),
        {
            "title_vi": "Tin có mã độc",
            "slug": "tin-co-ma-doc",
            "body_vi": '<p>Nội dung<script>alert(1)</script></p><img src="/x.png" onerror="alert(2)">',
            "status": "published",
            "cover_framing": "noop",
            "published_at_0": now.strftime("%d/%m/%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert Article.objects.get().body == '<p>Nội dung</p><img src="/x.png">'
