import pytest

from tests.council.test_settings import start_django


@pytest.mark.parametrize("value", ["many", "0", "-5"])
def test_a_bad_vote_rate_stops_start_up(value):
    result = start_django(POLLS_VOTES_PER_MINUTE=value)

    assert result.returncode != 0
    assert "POLLS_VOTES_PER_MINUTE" in result.stderr
    assert "ImproperlyConfigured" in result.stderr
