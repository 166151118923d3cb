from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from meetings.filters import RecommendationFilter
from meetings.models import Meeting, Recommendation
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracker():
    """Three recommendations over two held meetings, one more at a draft meeting."""
    now = timezone.now()
    first = MeetingFactory(
        slug="phien-2017", year=2017, status=Meeting.Status.HELD, starts_at=now - timedelta(days=3000)
    )
    later = MeetingFactory(
        slug="phien-2018", year=2018, status=Meeting.Status.HELD, starts_at=now - timedelta(days=2600)
    )
    draft = MeetingFactory(slug="phien-nhap", status=Meeting.Status.DRAFT)
    Recommendation.objects.create(meeting=first, title="Kinh phí", topic="Kinh phí")
    Recommendation.objects.create(
        meeting=first, title="Nhân lực", topic="Nhân lực", status=Recommendation.Status.RESOLVED
    )
    Recommendation.objects.create(
        meeting=later, title="Hạ tầng", topic="Kinh phí", status=Recommendation.Status.IN_PROGRESS
    )
    Recommendation.objects.create(meeting=draft, title="Nháp", topic="Kinh phí")


def titles(query: str) -> list[str]:
    public = Recommendation.objects.exclude(meeting__status=Meeting.Status.DRAFT).order_by("title")
    return [r.title for r in RecommendationFilter(QueryDict(query), queryset=public).qs]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Hạ tầng", "Kinh phí", "Nhân lực"]),
        ("tinh-trang=open", ["Kinh phí"]),
        ("tinh-trang=in_progress", ["Hạ tầng"]),
        ("tinh-trang=khong-co", ["Hạ tầng", "Kinh phí", "Nhân lực"]),  # not a status: ignored
        ("tinh-trang=", ["Hạ tầng", "Kinh phí", "Nhân lực"]),
        ("chu-de=Kinh+ph%C3%AD", ["Hạ tầng", "Kinh phí"]),
        ("chu-de=Kh%C3%B4ng+c%C3%B3", []),
        ("phien-hop=phien-2018", ["Hạ tầng"]),
        ("phien-hop=phien-nhap", []),
        ("chu-de=Kinh+ph%C3%AD&phien-hop=phien-2017&tinh-trang=open", ["Kinh phí"]),
        (
            "status=open&topic=Nh%C3%A2n+l%E1%BB%B1c",
            ["Hạ tầng", "Kinh phí", "Nhân lực"],
        ),  # English names: not ours
    ],
)
def test_the_tracker_filters_by_its_vietnamese_parameters(tracker, query, expected):
    assert titles(query) == expected


def test_the_tracker_page_keeps_the_chosen_filters_selected(client, tracker):
    response = client.get(
        reverse("meetings:recommendations"), {"tinh-trang": "open", "phien-hop": "phien-2017"}
    )

    assert [r.title for r in response.context["recommendations"]] == ["Kinh phí"]
    assert response.context["filters"] == {"status": "open", "topic": "", "meeting": "phien-2017"}
    page = " ".join(response.content.decode().split())
    assert '<option value="open" selected>' in page
    assert '<option value="phien-2017" selected>' in page
