# The quick start: `make run` serves the site with the fixture loaded; `make test` passes the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
FIXTURE := fixtures/asean-un-2015.json

# `make test` installs what the suite needs, including axe-core via npm when package.json exists.
.PHONY: run eval install install-dev migrate load test test-fast lint format check migrations-check bench clean serve-prod serve-prod-local deploy-check drill

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-base: requirements/base.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt requirements/base.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

# axe-core for the browser tests' accessibility checks (package.json; node_modules is not committed).
# npm ci empties node_modules first: through a symbolic link it would empty a shared install, so a link is left alone.
node_modules/.package-lock.json: package.json package-lock.json
	@if [ -L node_modules ]; then echo "node_modules links to a shared install: not reinstalled"; \
	elif command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the browser test's accessibility check needs it (skipped outside CI)"; fi

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev $(if $(wildcard package.json),node_modules/.package-lock.json)

migrate: install
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_dataset $(FIXTURE)
	$(PY) manage.py load_vocabulary

run: load
	$(PY) manage.py runserver $(HOST):$(PORT)

# Everything: what CI runs on SQLite and on PostgreSQL.
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The edit-test loop: unit and page tests, without the browser, hostile-input, property and subprocess layers.
test-fast: install-dev
	$(PY) -m pytest -m "not browser and not hostile and not property and not subprocess" $(PYTEST_ARGS)

# Extraction measured on the annotated corpus (README, "Extraction").
eval: migrate
	$(PY) manage.py evaluate_intake tests/intake_corpus

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

migrations-check: check

# The benchmark: see bench/run.py for BENCH_MEETINGS, BENCH_SECONDS and the rest.
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(PY) -m pip install -q -r requirements/bench.txt
	$(PY) bench/run.py

# Production: DEBUG off, gunicorn (gunicorn.conf.py) with whitenoise serving static files.
# Needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in the environment (README, "Operations").
# migrate also creates the database cache's table.
DEPLOY_CHECK ?= check --deploy --fail-level WARNING
serve-prod: install
	DEBUG=false $(PY) manage.py $(DEPLOY_CHECK)
	DEBUG=false $(PY) manage.py collectstatic --noinput -v0
	DEBUG=false $(PY) manage.py migrate --noinput
	DEBUG=false $(VENV)/bin/gunicorn -c gunicorn.conf.py partnership.wsgi

# A production rehearsal on this machine over plain HTTP: the same settings, gunicorn and
# database cache as production, except that nothing asks for HTTPS (no redirect, no HSTS,
# cookies over HTTP), so the deploy check is the ordinary one. A throwaway SECRET_KEY unless set.
serve-prod-local:
	SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 SECURE_PROXY_SSL_HEADER=false \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECRET_KEY=$${SECRET_KEY:-$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	$(MAKE) --no-print-directory serve-prod DEPLOY_CHECK=check

deploy-check: install
	DEBUG=false $(PY) manage.py check --deploy --fail-level WARNING

# Fault drills on a throwaway PostgreSQL cluster and gunicorn: load, database restart,
# worker kill (bench/drill.py). DRILL_SECONDS sets each phase's length (default 60).
drill: install
	$(PY) bench/drill.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules
