# The council portal. `make run` for the embedded demo, `make test` for the suite.
# Every target installs what it needs first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 3

.DEFAULT_GOAL := help
.PHONY: help python-version install run serve worker beat test lint format check messages compilemessages demo migrate clean backup restore upgrade

help:
	@echo "make run      create .venv, install, migrate, load the demo and serve http://$(HOST):$(PORT)"
	@echo "make test     install and run the test suite"
	@echo "make lint     ruff, djlint and the import contracts;  make format  fix what they can"
	@echo "make check    manage.py check and makemigrations --check"
	@echo "make serve    gunicorn ($(WEB_CONCURRENCY) workers) with WhiteNoise, against DATABASE_URL/REDIS_URL"
	@echo "make worker   a Celery worker;  make beat  the Celery beat scheduler"
	@echo "make backup   one archive of the database and media in BACKUP_DIR;  make restore ARCHIVE=..."
	@echo "make upgrade  after a new release: install, migrate, collectstatic, compilemessages"

# Django 6.1 needs Python 3.12+; the machine's default python3 may be older.
python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "error: Python 3.12 or newer is needed, but '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." >&2; \
	  echo "       With pyenv, .python-version selects 3.12 here (pyenv install 3.12);" >&2; \
	  echo "       or name one: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)" >&2; \
	  exit 1; }

$(PY): | python-version
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip check
	touch $(STAMP)

install: python-version $(STAMP)

# compilemessages skips a catalogue whose .mo looks newer than its .po (as after a
# checkout or a merge): touch the .po files so that the .mo always follows them.
compilemessages: install
	touch locale/*/LC_MESSAGES/*.po
	$(MANAGE) compilemessages --locale en --locale vi --ignore '.venv/*' >/dev/null

# The project's own strings are written in Vietnamese: only `en` is extracted from the source.
# locale/vi holds, by hand, Vietnamese for strings of Django and the libraries (the admin, the
# editor's menus); they are not in our source, so makemessages must never run on `vi` (with
# --no-obsolete it would delete them all). This target leaves `vi` alone and checks it compiles.
messages: install
	$(MANAGE) makemessages --locale en --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	msgfmt --check-format --output-file=/dev/null locale/vi/LC_MESSAGES/django.po
	msgfmt --check-format --output-file=/dev/null locale/vi/LC_MESSAGES/djangojs.po

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

# The embedded default: SQLite, local-memory cache, tasks inline, mail to the console.
run: compilemessages demo
	DJANGO_DEBUG=true $(MANAGE) runserver $(HOST):$(PORT)

# Production-style: gunicorn + WhiteNoise against DATABASE_URL and REDIS_URL.
serve: compilemessages migrate
	$(MANAGE) collectstatic --noinput >/dev/null
	$(BIN)/gunicorn council.wsgi --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) --access-logfile -

worker: install
	$(BIN)/celery -A council worker --loglevel INFO --concurrency 2

beat: install
	$(BIN)/celery -A council beat --loglevel INFO --schedule $(VENV)/celerybeat-schedule

test: compilemessages
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check --quiet
	$(BIN)/djlint templates --lint --quiet
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Backups: one timestamped archive (database + media) in BACKUP_DIR (default ./backups).
backup: install
	$(MANAGE) backup_site

# Restore into an EMPTY database (createdb) and media folder: make restore ARCHIVE=backups/council-....tar
restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/council-YYYYmmdd-HHMMSS.tar" >&2; exit 2; }
	$(MANAGE) restore_site "$(ARCHIVE)"

# After pulling a new release (see "Upgrading" in the README); take a backup first.
# The deployment check comes first: production settings with an error change nothing.
upgrade: compilemessages
	$(MANAGE) check --deploy --fail-level ERROR
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput >/dev/null
	@echo "Upgraded. Now, as root: systemctl reload council-web && systemctl restart council-worker council-beat"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
