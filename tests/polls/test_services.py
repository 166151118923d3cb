import datetime

import pytest
from django.utils import timezone

from polls import services
from polls.models import Poll, Vote
from polls.services import AlreadyVoted, MembersOnly, PollClosed, PollNotYetOpen, cast_vote, close_poll
from tests.factories import PollFactory, UserFactory, poll_with_choices

pytestmark = pytest.mark.django_db


def test_cast_vote_records_one_vote_with_the_database_time():
    poll, (yes, _no) = poll_with_choices("Có", "Không")
    before = timezone.now()

    vote = cast_vote(choice=yes, voter_key="guest:abc")

    assert (vote.poll, vote.choice, vote.voter_key, vote.user) == (poll, yes, "guest:abc", None)
    assert (
        before - datetime.timedelta(seconds=5)
        < vote.created_at
        < timezone.now() + datetime.timedelta(seconds=5)
    )
    assert Vote.objects.count() == 1


def test_cast_vote_twice_by_one_voter_is_already_voted():
    poll, (yes, no) = poll_with_choices("Có", "Không")
    cast_vote(choice=yes, voter_key="guest:abc")

    with pytest.raises(AlreadyVoted):
        cast_vote(choice=no, voter_key="guest:abc")

    assert list(Vote.objects.values_list("choice", flat=True)) == [yes.pk]


def test_cast_vote_counts_each_voter_once_per_poll_only():
    _, (first, _) = poll_with_choices("Có", "Không")
    _, (second, _) = poll_with_choices("Đồng ý", "Phản đối")

    cast_vote(choice=first, voter_key="guest:abc")
    cast_vote(choice=second, voter_key="guest:abc")

    assert Vote.objects.count() == 2


def test_cast_vote_in_a_closed_poll_is_refused():
    _, (yes, _) = poll_with_choices("Có", "Không", closes_at=timezone.now() - datetime.timedelta(minutes=1))

    with pytest.raises(PollClosed):
        cast_vote(choice=yes, voter_key="guest:abc")

    assert Vote.objects.count() == 0


def test_cast_vote_before_the_poll_opens_is_refused():
    _, (yes, _) = poll_with_choices("Có", "Không", opens_at=timezone.now() + datetime.timedelta(hours=1))

    with pytest.raises(PollNotYetOpen):
        cast_vote(choice=yes, voter_key="guest:abc")


def test_cast_vote_in_a_members_poll_needs_a_member():
    _, (yes, _) = poll_with_choices("Có", "Không", audience=Poll.Audience.MEMBERS)
    member = UserFactory()

    with pytest.raises(MembersOnly):
        cast_vote(choice=yes, voter_key="guest:abc")
    vote = cast_vote(choice=yes, voter_key=f"user:{member.pk}", user=member)

    assert (vote.voter_key, vote.user) == (f"user:{member.pk}", member)


def test_cast_vote_refuses_a_member_under_another_key():
    _, (yes, _) = poll_with_choices("Có", "Không")
    member = UserFactory()

    with pytest.raises(ValueError, match="a member votes as"):
        cast_vote(choice=yes, voter_key="guest:abc", user=member)


def test_refusals_speak_vietnamese():
    assert str(AlreadyVoted.message) == (
        "Bạn đã bình chọn trong cuộc thăm dò này rồi. Mỗi người chỉ được bình chọn một lần."
    )
    assert str(PollClosed.message) == "Cuộc thăm dò này đã kết thúc, không nhận thêm phiếu."


def test_close_poll_stops_votes_and_keeps_its_first_time():
    poll, (yes, _) = poll_with_choices("Có", "Không")
    cast_vote(choice=yes, voter_key="guest:before")

    close_poll(poll=poll)
    closed_at = poll.closes_at
    close_poll(poll=poll)

    assert poll.closes_at == closed_at
    assert poll.is_closed
    assert Vote.objects.get().created_at <= closed_at  # the same millisecond, on SQLite
    with pytest.raises(PollClosed):
        cast_vote(choice=yes, voter_key="guest:after")


def test_close_poll_before_it_opened_closes_it_now():
    poll = PollFactory(opens_at=timezone.now() + datetime.timedelta(days=3))

    close_poll(poll=poll)

    assert poll.opens_at == poll.closes_at
    assert poll.closes_at <= timezone.now()


def test_feature_poll_moves_the_sidebar_to_one_poll():
    first = PollFactory(featured=True)
    second = PollFactory()

    services.feature_poll(poll=second)
    services.feature_poll(poll=second)

    assert list(Poll.objects.filter(featured=True)) == [second]
    first.refresh_from_db()
    assert first.featured is False

    services.unfeature_poll(poll=second)
    assert Poll.objects.filter(featured=True).count() == 0
