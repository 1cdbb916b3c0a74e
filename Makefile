# SVD Platform. `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed
CSS := static/build/app.css
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test deps lint fmt migrations-check check-deploy integration browser bench ci code messages clean

deps: $(STAMP_PY) $(STAMP_NPM) $(CSS)

$(STAMP_PY): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(STAMP_NPM): package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

$(CSS): $(STAMP_NPM) $(wildcard static/scss/*.scss)
	npm run --silent build:css

run: deps
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	@echo "Starting the Celery worker (log: var/worker.log) and the web server on http://$(HOST):$(PORT)"
	@$(VENV)/bin/celery -A svd_platform worker -B --schedule var/celerybeat-schedule \
	    --pool=prefork --concurrency=2 --without-gossip --without-mingle --without-heartbeat \
	    --loglevel=INFO --logfile=var/worker.log & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT) --noreload

# The current two-factor code of a demo user, e.g. `make code U=analyst`.
code: $(STAMP_PY)
	@$(PY) manage.py demo_code $(U)

test: deps
	$(VENV)/bin/pytest -q

lint: $(STAMP_PY)
	$(VENV)/bin/ruff check .

fmt: $(STAMP_PY)
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP_PY)
	$(PY) manage.py makemigrations --check --dry-run

# Refresh the translation catalogues after changing user-facing text.
messages: $(STAMP_PY)
	$(PY) manage.py makemessages -l cy --no-obsolete --no-location --ignore=node_modules --ignore=.venv --ignore=tests
	$(PY) -m svd_platform.i18n_compile

integration: deps
	q=$$(mktemp -d) && SVD_REAL_WORKER=1 INGEST_QUARANTINE_DIR=$$q $(VENV)/bin/pytest -q -m integration tests/integration; rc=$$?; rm -rf $$q; exit $$rc

browser: deps
	$(VENV)/bin/pytest -q -m browser tests/browser

# Ingest benchmark (issue 3): starts its own PostgreSQL, prints a table, writes bench/results.json.
bench: deps
	$(PY) -m bench

ci:
	bash .ci/run


clean:
	rm -rf var/staticfiles static/build
