"""Memo: the one per-process memory of values read or rendered on every request."""

import threading

from council.shared.held import Memo


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memo_keeps_a_value_for_its_lifetime():
    clock = Clock()
    memo = Memo(seconds=2, clock=clock)
    memo.keep(None, "nothing")  # None is a value like any other

    clock.now += 1.9
    assert memo.current("nothing") == (None,)
    clock.now += 0.1
    assert memo.current("nothing") is None
    assert len(memo) == 0  # an expired entry is dropped when found


def test_memo_full_drops_the_least_recently_used_entry_only():
    memo = Memo(seconds=60, max_entries=3)
    for key in ("a", "b", "c"):
        memo.keep(key.upper(), key)
    memo.current("a")  # read: now the most recently used

    memo.keep("D", "d")

    assert [memo.current(key) for key in ("a", "b", "c", "d")] == [("A",), None, ("C",), ("D",)]
    assert len(memo) == 3


def test_memo_a_thousand_keys_never_empty_it():
    memo = Memo(seconds=60, max_entries=500)
    memo.keep("the home page", "/")
    for number in range(1000):
        memo.current("/")  # the page everyone reads stays recently used
        memo.keep(number, f"/?x={number}")

    assert memo.current("/") == ("the home page",)
    assert len(memo) == 500
    assert memo.current("/?x=999") == (999,)
    assert memo.current("/?x=0") is None


def test_memo_until_and_forget():
    clock = Clock()
    memo = Memo(seconds=60, clock=clock)
    memo.keep("snapshot", until=clock.now + 5)
    memo.keep(1, "one")
    memo.keep(2, "two")

    memo.forget("one")
    assert memo.current("one") is None and memo.current("two") == (2,)
    assert memo.current(now=clock.now + 4.9) == ("snapshot",)
    assert memo.current(now=clock.now + 5) is None
    memo.forget_all()
    assert len(memo) == 0


def test_memo_shared_by_threads_stays_within_its_size():
    memo = Memo(seconds=60, max_entries=50)

    def work(offset: int) -> None:
        for number in range(2000):
            memo.keep(number, (offset, number))
            memo.current((offset, number - 1))

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(memo) == 50
