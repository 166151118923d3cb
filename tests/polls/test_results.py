import pytest

from polls.models import Choice
from polls.results import Results, Row, count_results, largest_remainder
from tests.factories import VoteFactory, poll_with_choices


def test_largest_remainder_gives_the_old_sites_figures():
    assert largest_remainder([7, 4, 5]) == [44, 25, 31]


@pytest.mark.parametrize(
    ("counts", "percents"),
    [
        ([1, 1, 1], [34, 33, 33]),  # equal remainders: the first listed wins
        ([1, 4, 1], [17, 67, 16]),  # equal remainders: more votes first, then order
        ([2, 1], [67, 33]),
        ([1, 2], [33, 67]),
        ([1, 1, 1, 1, 1, 1, 1], [15, 15, 14, 14, 14, 14, 14]),
        ([3, 0, 0], [100, 0, 0]),
        ([5], [100]),
        ([50, 50], [50, 50]),
    ],
)
def test_largest_remainder_breaks_ties_and_sums_to_100(counts, percents):
    assert largest_remainder(counts) == percents
    assert sum(largest_remainder(counts)) == 100


def test_largest_remainder_of_no_votes_is_all_zeros():
    assert largest_remainder([0, 0, 0]) == [0, 0, 0]
    assert largest_remainder([]) == []


def test_largest_remainder_always_sums_to_100_for_many_tallies():
    for a in range(12):
        for b in range(12):
            for c in range(1, 12):
                assert sum(largest_remainder([a, b, c])) == 100


@pytest.mark.django_db
def test_count_results_counts_in_one_query(django_assert_num_queries):
    poll, (yes, no, maybe) = poll_with_choices("Có", "Không", "Chưa rõ")
    VoteFactory.create_batch(2, choice=yes)
    VoteFactory(choice=maybe)

    with django_assert_num_queries(1):
        results = count_results(poll.pk)

    assert results == Results(
        rows=(
            Row(choice_id=yes.pk, text="Có", votes=2, percent=67),
            Row(choice_id=no.pk, text="Không", votes=0, percent=0),
            Row(choice_id=maybe.pk, text="Chưa rõ", votes=1, percent=33),
        ),
        total=3,
    )


@pytest.mark.django_db
def test_results_json_lists_every_choice():
    poll, (yes, no) = poll_with_choices("Có", "Không")
    VoteFactory(choice=no)

    results = Results.from_choices(Choice.objects.filter(poll=poll).with_vote_counts())

    assert results.as_json() == {
        "total": 1,
        "choices": [
            {"id": yes.pk, "text": "Có", "votes": 0, "percent": 0},
            {"id": no.pk, "text": "Không", "votes": 1, "percent": 100},
        ],
    }
