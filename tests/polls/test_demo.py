import pytest

from council.demo import polls as demo_polls
from polls.models import Choice, Poll, Vote
from polls.results import count_results
from tests.factories import PollFactory

pytestmark = pytest.mark.django_db


def test_demo_poll_is_the_old_sites_and_loads_twice_the_same():
    other = PollFactory(featured=True)

    demo_polls.load()
    demo_polls.load()

    poll = Poll.objects.get(featured=True)
    assert poll.question == "Ý kiến về Website HĐGĐCNTT?"
    assert (poll.is_open, poll.audience, poll.results_shown) == (True, "everyone", "always")
    results = count_results(poll.pk)
    assert [(row.text, row.votes, row.percent) for row in results.rows] == [
        ("Đạt yêu cầu", 7, 44),
        ("Chưa đạt yêu cầu", 4, 25),
        ("Cần thêm chủ đề", 5, 31),
    ]
    assert (Choice.objects.filter(poll=poll).count(), Vote.objects.count(), results.total) == (3, 16, 16)
    other.refresh_from_db()
    assert other.featured is False
