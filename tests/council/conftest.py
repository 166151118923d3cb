import pytest
from django.core.management import call_command


@pytest.fixture
def demo():
    """The embedded demo content (manage.py load_demo)."""
    call_command("load_demo", verbosity=0)
