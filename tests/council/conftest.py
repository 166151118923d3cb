import pytest
from django.core.management import call_command

# The online counter's stores (both backends) and the counter reading from one of them.
from tests.council.counter_fixtures import store, use  # noqa: F401


@pytest.fixture
def demo():
    """The embedded demo content (manage.py load_demo)."""
    call_command("load_demo", verbosity=0)
