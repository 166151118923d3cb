import pytest

from council.shared.breaker import Breaker


@pytest.fixture
def seconds():
    return {"value": 60.0}


@pytest.fixture
def breaker(seconds):
    return Breaker("test", lambda: seconds["value"])


def test_breaker_starts_closed(breaker):
    assert (breaker.allows(), breaker.is_open, breaker.failing) == (True, False, False)


def test_breaker_opens_on_a_failure(breaker):
    breaker.trip(ConnectionError("refused"))

    assert (breaker.allows(), breaker.is_open, breaker.failing) == (False, True, True)


def test_breaker_lets_a_trial_through_once_its_time_is_over(breaker, seconds):
    seconds["value"] = 0.0
    breaker.trip("refused")

    # Open for no time: the next call is a trial, but the last one failed.
    assert (breaker.allows(), breaker.failing) == (True, True)


def test_breaker_closes_on_a_success_and_runs_the_recovery_steps_once(breaker):
    ran = []
    breaker.on_recovery(lambda: ran.append("first"))
    breaker.on_recovery(lambda: ran.append("second"))
    breaker.trip("refused")

    breaker.succeed()
    breaker.succeed()

    assert (breaker.allows(), breaker.failing, ran) == (True, False, ["first", "second"])


def test_breaker_recovery_step_failing_does_not_stop_the_others(breaker):
    ran = []
    breaker.on_recovery(lambda: 1 / 0)
    breaker.on_recovery(lambda: ran.append("after"))
    breaker.trip("refused")

    breaker.succeed()

    assert ran == ["after"]


def test_breaker_holds_bound_methods_weakly(breaker):
    class Owner:
        calls = 0

        def step(self):
            Owner.calls += 1

    owner = Owner()
    breaker.on_recovery(owner.step)
    del owner
    breaker.trip("refused")

    breaker.succeed()

    assert Owner.calls == 0
    assert breaker._recovery == []
