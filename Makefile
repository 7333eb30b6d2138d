# PPR Sag. The two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN := $(UV) run --frozen
PYTEST_ARGS ?=
export UV_PYTHON_DOWNLOADS ?= automatic

.PHONY: help install uv python-deps assets static demo test lint format migrate seed worker beat bench load

help:
	@echo "make demo   – install, migrate, load the demo municipality and serve http://127.0.0.1:8000"
	@echo "make test   – install and run the whole test suite (PostgreSQL/Redis if DATABASE_URL/REDIS_URL are set)"
	@echo "make lint   – ruff, djlint, mypy, Django checks and missing migrations"

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

python-deps: uv
	$(UV) sync --frozen --compile-bytecode

assets:
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

install: python-deps assets

static: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost PPR_FIELD_KEY=collectstatic-only PPR_SITE_URL=http://localhost \
		$(RUN) python manage.py collectstatic --noinput -v0

demo: install
	DJANGO_DEBUG=true $(RUN) python manage.py migrate --noinput -v0
	DJANGO_DEBUG=true $(RUN) python manage.py seed_demo
	@echo "PPR Sag kører på http://127.0.0.1:8000 – stop med Ctrl+C."
	DJANGO_DEBUG=true $(RUN) python manage.py runserver 127.0.0.1:8000

# Every core (pytest-xdist; at most 8 workers, as tests/conftest.py gives each its own Redis
# databases); PYTEST_ARGS="-n 0" runs the tests in one process. --dist loadgroup: tests marked
# with the same xdist_group (a crawler login's tests, which share its crawl) run on one worker;
# the others are handed out one by one as workers free up, in the order tests/conftest.py sets.
test: static
	$(RUN) pytest -n auto --maxprocesses 8 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) djlint templates --lint
	DJANGO_DEBUG=true $(RUN) mypy .
	DJANGO_DEBUG=true $(RUN) python manage.py check
	DJANGO_DEBUG=true $(RUN) python manage.py makemigrations --check --dry-run

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

worker: install
	$(RUN) celery -A ppr worker -l info -Q celery,pdf

beat: install
	$(RUN) celery -A ppr beat -l info

# Scale benchmark (not part of `make test`): seeds ppr_scale_1k and ppr_scale (100,000 children)
# on first use, then measures the key pages on both; writes bench/RESULTS.md.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
bench: static
	@for spec in "ppr_scale_1k 1000" "ppr_scale 100000"; do set -- $$spec; \
	  if psql "$(BENCH_PG)/postgres" -qAtc "CREATE DATABASE $$1" >/dev/null 2>&1; then \
	    DATABASE_URL=$(BENCH_PG)/$$1 DJANGO_DEBUG=true $(RUN) python manage.py migrate --noinput -v0 && \
	    DATABASE_URL=$(BENCH_PG)/$$1 DJANGO_DEBUG=true $(RUN) python manage.py seed_scale --children $$2 || exit 1; \
	  fi; \
	  DATABASE_URL=$(BENCH_PG)/$$1 $(RUN) python bench/pages.py || exit 1; \
	done

# Load test (not part of `make test`): gunicorn + PostgreSQL + Redis + a Celery worker, locust headless.
load: static
	$(UV) sync --frozen --group bench
	bench/load.sh
