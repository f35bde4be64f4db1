# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
TEST_PROCESSES ?= 2
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test faults install migrate demo lint clean backup restore audit messages catalogs

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) catalogs

## Compile locale/*/LC_MESSAGES/*.po into the .mo files Django reads (pure Python: no gettext needed).
catalogs: $(STAMP)
	$(BIN)/python -m supportdesk.catalogs compile

## After marking new strings: extract them into locale/es and locale/pt_BR, then list what needs
## translating in var/untranslated.tsv. Fill its es and pt_BR columns (docs/glossary.md) and run
## `.venv/bin/python -m supportdesk.catalogs fill var/untranslated.tsv`.
messages: $(STAMP)
	$(BIN)/python -m supportdesk.catalogs extract
	mkdir -p var
	$(BIN)/python -m supportdesk.catalogs untranslated var/untranslated.tsv

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## The demo runs as production does, DEBUG off (our error pages, whitenoise serving the
## collected static files), over plain HTTP and with a development key unless SECRET_KEY is set.
RUN_ENV := DEBUG=false SECRET_KEY="$${SECRET_KEY:-django-insecure-local-demo-key-never-used-in-production}" \
	SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0

## Serve web, Celery worker and beat on http://127.0.0.1:8000 (SQLite and a
## file broker unless DATABASE_URL / REDIS_URL are set).
run: demo
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(RUN_ENV) PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/honcho start -f Procfile -p $(PORT)

## The whole test suite, in TEST_PROCESSES processes (pytest-xdist; one file stays in one process).
test: install
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile

## Fault drills with real processes: kill the worker, stop Redis, refuse SMTP,
## run two beats side by side, kill the worker while it polls IMAP (Dovecot).
## Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); prints what was lost.
faults: install
	$(BIN)/python -m pytest faults -s -p no:cacheprovider

## A consistent backup: PostgreSQL dump + attachments + manifest (counts, SHA-256), one dated archive.
BACKUP_DIR ?= var/backups
backup: install
	$(BIN)/python manage.py backup --output $(BACKUP_DIR)

## Restore ARCHIVE=… into the empty database of DATABASE_URL and the empty MEDIA_ROOT, then check it.
restore: install
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=var/backups/supportdesk-<time>.tar"; exit 2; }
	$(BIN)/python manage.py restore $(ARCHIVE)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r . --severity-level high

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles .pytest_cache .ruff_cache .hypothesis
