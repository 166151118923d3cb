import pytest
from django.core.cache import cache
from django.utils import translation

from polls import caching
from polls.results import Results, Row

pytestmark = pytest.mark.django_db


def results(total: int) -> Results:
    return Results(rows=(Row(choice_id=1, text="Có", votes=total, percent=100 if total else 0),), total=total)


def test_results_fragment_is_counted_once_per_version():
    counted = []

    def count(total):
        counted.append(total)
        return results(total)

    first = caching.results_fragment(7, lambda: count(1))
    again = caching.results_fragment(7, lambda: count(2))
    caching.forget_results(7)
    after_a_vote = caching.results_fragment(7, lambda: count(3))

    assert counted == [1, 3]
    assert "Tổng số phiếu: 1" in first
    assert again == first
    assert "Tổng số phiếu: 3" in after_a_vote


def test_a_fragment_counted_before_a_vote_is_never_served_after_it():
    # A reader takes the version, then a vote commits and bumps it, then the
    # reader stores what it counted before the vote: it must not be served.
    caching.results_fragment(8, lambda: results(0))
    old = cache.get(caching.RESULTS_VERSION_KEY.format(poll_id=8))
    caching.forget_results(8)
    key = caching.RESULTS_FRAGMENT_KEY.format(poll_id=8, language="vi")
    cache.set(key, (f"{old}:{caching._template_digest()}", "STALE"))

    assert "STALE" not in caching.results_fragment(8, lambda: results(1))


def test_results_counted_with_the_poll_are_used_only_to_start_its_first_version():
    # Cold: the counts that came with the poll are rendered, no second count.
    cold = caching.results_fragment(10, lambda: results(9), counted_before=results(1))
    # A vote set a version after those counts were taken: they are too old now.
    caching.forget_results(11)
    after_a_vote = caching.results_fragment(11, lambda: results(2), counted_before=results(1))

    assert "Tổng số phiếu: 1" in cold
    assert "Tổng số phiếu: 2" in after_a_vote


def test_results_fragment_is_kept_per_language():
    caching.results_fragment(9, lambda: results(1))

    with translation.override("en"):
        english = caching.results_fragment(9, lambda: results(2))

    # Counted again for English: its own fragment, in English.
    assert "Total votes: 2" in english


def _rows(counts, texts=None):
    texts = texts or [f"Lựa chọn {i}" for i in range(len(counts))]
    return Results.from_counts(
        (i + 1, text, votes) for i, (text, votes) in enumerate(zip(texts, counts, strict=True))
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_results_rendered_from_a_kept_shape_say_every_number_of_these_counts(language):
    # Counts of every size, texts with markup: whatever the shape was first rendered
    # with, each rendering carries its own numbers, in their places, and nothing else.
    word = {"vi": ("phiếu", "phiếu"), "en": ("vote", "votes")}[language]
    texts = ["<b>Có</b> & không", 'Không "rõ"', "Khác"]
    with translation.override(language):
        for counts in [(0, 0, 0), (1, 0, 0), (7, 4, 5), (1024, 1003, 973), (1, 1, 1)]:
            results = _rows(counts, texts)
            html = caching.render_results(results)

            assert "pollnumber" not in html
            assert "&lt;b&gt;Có&lt;/b&gt; &amp; không" in html
            assert "<b>" not in html
            for row in results.rows:
                label = f"{row.votes} {word[0] if row.votes == 1 else word[1]} ({row.percent} %)"
                assert label in html
                assert f'aria-valuenow="{row.percent}"' in html
            assert [f"poll-w-{row.percent}" for row in results.rows] == [
                part.split('"')[0] for part in html.split("progress-bar ")[1:]
            ]
            assert html.rstrip().endswith(f": {results.total}</p>")


def test_the_results_shape_is_rendered_once_per_choices_and_language(monkeypatch):
    rendered = []
    real = caching._render_shape
    monkeypatch.setattr(caching, "_render_shape", lambda rows: rendered.append(rows) or real(rows))

    for total in range(5):
        caching.render_results(_rows([total, 1]))
    caching.render_results(_rows([1, 1], ["Có", "Lựa chọn đã sửa"]))  # a choice's text edited
    with translation.override("en"):
        caching.render_results(_rows([3, 1]))

    assert len(rendered) == 3
