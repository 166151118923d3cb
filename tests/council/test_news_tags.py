import pytest

from tests.factories import ArticleFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_related_news_on_the_meeting_page(client):
    meeting = MeetingFactory()
    ArticleFactory(title="Tin về phiên họp", meeting=meeting)

    assert "Tin về phiên họp" in client.get(meeting.get_absolute_url()).content.decode()
