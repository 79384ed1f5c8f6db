# Haven's entry points. `make run` and `make test` are the README's two commands.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test eval test-scaleout test-load lint fmt migrate demo serve worker clean bench bench-quick bench-safety

$(PY):
	"$$(scripts/find-python)" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Start Haven with a demo community on SQLite at http://127.0.0.1:8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## Run every test (DATABASE_URL picks the database; SQLite when unset)
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

## The text classifier on Haven's labelled set (haven/automod/tests/data/eval.jsonl):
## precision and recall per category and language, false positives; fails on a missed target
eval: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0  # the contact scenarios play in the database, rolled back
	$(PY) manage.py automod_eval

## Haven scaled out, end to end: PostgreSQL, Redis, an S3 server, two app servers behind
## nginx and a task worker, each started and stopped by the test (needs nginx, redis-server)
test-scaleout: $(STAMP)
	$(PY) -m pytest -p no:xdist -m scaleout -s haven/core/tests/test_scaleout.py

## Haven under load (docs/deploy.md, "Load test"): a PostgreSQL instance and a redis-server of
## the test's own, Granian (2 workers) and headless Locust driving 40 members through the API
## for 60 s, then again while PostgreSQL restarts and while Redis is stopped (needs the
## PostgreSQL server binaries and redis-server; no DATABASE_URL: it makes its own database)
test-load: $(STAMP)
	$(PY) -m pytest -p no:xdist -m load -s haven/core/tests/test_load.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: $(STAMP)
	$(PY) manage.py seed_demo

## Production serving: migrate, collectstatic, then Granian in WSGI mode with WORKERS
## processes (one per CPU unless set) of THREADS blocking threads. Each thread may hold
## one PostgreSQL connection: an app server uses up to WORKERS x THREADS of them.
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
THREADS ?= 4
serve: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/granian --interface wsgi --workers $(WORKERS) --blocking-threads $(THREADS) \
		--host $(HOST) --port $(PORT) haven.wsgi:application

## The task worker (TASKS_BACKEND=database): runs detectors, notifications and emails
worker: $(STAMP)
	TASKS_BACKEND=database $(PY) manage.py db_worker --queue-name '*'

## Feed and send-message latency with 0 vs 10,000 blocks (own SQLite file unless DATABASE_URL is set)
bench-safety: $(STAMP)
	rm -rf var/bench
	HAVEN_VAR_DIR=var/bench $(PY) manage.py migrate --noinput -v0
	HAVEN_VAR_DIR=var/bench $(PY) manage.py bench_safety $(BENCH_ARGS)

## Benchmarks (docs/benchmarks.md): a synthetic community grown through BENCH_GROWTH member
## counts with in-process growth numbers, then every hot path over HTTP (Granian, 2 workers)
## against the bare floor views. Own SQLite file, or an EMPTY database in DATABASE_URL.
BENCH_GROWTH ?= 10000,100000
BENCH_ENV := HAVEN_VAR_DIR=var/bench-run DEBUG=0 SECURE_SSL_REDIRECT=false SECRET_KEY=bench-only-not-a-secret-$$(hostname)-0123456789abcdef
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench needs wrk (Debian: apt-get install wrk)"; exit 1; }
	rm -rf var/bench-run
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput -v0  # the staff pages, DEBUG off
	$(BENCH_ENV) $(PY) manage.py bench_run --growth $(BENCH_GROWTH) $(BENCH_ARGS)

## A minute's check after a change to a hot path: 10,000 members, each hot path's ratio to
## its floor view as `name: ratio`. Own SQLite file, or an EMPTY database in DATABASE_URL.
QUICK_ENV := $(subst bench-run,bench-quick,$(BENCH_ENV))
bench-quick: $(STAMP)
	@command -v wrk >/dev/null || { echo "make bench-quick needs wrk (Debian: apt-get install wrk)"; exit 1; }
	rm -rf var/bench-quick
	$(QUICK_ENV) $(PY) manage.py migrate --noinput -v0
	$(QUICK_ENV) $(PY) manage.py bench_quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
