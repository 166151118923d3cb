"""The demo site: the council's 2017 annual meeting, from the articles in content/.

Each module builds one part and is idempotent (it looks rows up by their
natural keys), so `manage.py load_demo` can run any number of times.
"""

from django.db import transaction

from . import counter, meetings, members, news, notices, polls, site

# In dependency order; later features add their module here.
PARTS = [site, members, meetings, news, notices, polls, counter]


@transaction.atomic
def load_all(*, stdout=None) -> None:
    """Build (or bring up to date) the whole demo site in one transaction."""
    for part in PARTS:
        part.load()
        if stdout is not None:
            stdout.write(f"  {part.__name__.rsplit('.', 1)[-1]}: ok")
