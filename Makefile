# factcheck: `make run` for the zero-setup local desk, `make test` for the whole suite, `make lint` before both.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export DJANGO_COLORS := nocolor

.PHONY: install run test lint clean

# The virtualenv, rebuilt whenever a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The whole app on SQLite with the demo loaded, a Celery worker and beat, and the admin on :8000.
run: install
	DJANGO_SETTINGS_MODULE=factcheck.settings.local scripts/run-local.sh

# The whole suite against PostgreSQL and Redis (DATABASE_URL, REDIS_URL; standard local ports by default), in one
# pytest process per core: the worker tests mostly wait, and the others run meanwhile.
test: install
	scripts/ensure-test-tools.sh
	DJANGO_SETTINGS_MODULE=factcheck.settings.test $(BIN)/pytest --numprocesses=auto

# ruff (lint, and the format check) and mypy with the Django and DRF stubs: no finding passes. CI runs it first.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache

# Source checks per second end to end against the ideal and LinkChecker, CPU per check, and the flags sweep over
# 100,000 and 1,000,000 claims; writes the bench-fetch section of docs/benchmarks.md. Loopback only: 20 page hosts
# on 127.0.0.2-21, a throwaway Redis, and its own database (created, migrated and emptied by the script).
.PHONY: bench-fetch
bench-fetch: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	DJANGO_SETTINGS_MODULE=factcheck.settings.test \
	DATABASE_URL=$${BENCH_FETCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/factcheck_bench_fetch} \
	$(BIN)/python -m bench.bench_fetch $(BENCH_FETCH_ARGS)

# 10,000 flag events to three webhook endpoints (fast, slow at 200 ms, failing half the time) through a real Celery
# worker: deliveries per second, the delay from commit to receipt and no webhook-id lost or duplicated, against the
# ideal and the same signed POSTs sent without Celery; writes the bench-alerts section of docs/benchmarks.md. Loopback
# only: the receivers on 127.0.0.1, a throwaway Redis, and its own database (created, migrated and emptied by the
# script). BENCH_ALERTS_ARGS=--quick for a small run, --no-write to print the section instead.
.PHONY: bench-alerts
bench-alerts: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	DJANGO_SETTINGS_MODULE=factcheck.settings.test \
	DATABASE_URL=$${BENCH_ALERTS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/factcheck_bench_alerts} \
	$(BIN)/python -m bench.bench_alerts $(BENCH_ALERTS_ARGS)

# API latency at 100,000 claims and 300,000 evidence rows (list, search, detail) against a hand-written .values()
# baseline in the same run; seeds its own database once (created if missing) and writes the API section of
# docs/benchmarks.md. Not a test.
.PHONY: bench-api
bench-api: install
	DJANGO_SETTINGS_MODULE=factcheck.settings.test \
	DATABASE_URL=$${BENCH_API_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/factcheck_bench} \
	$(BIN)/python -m bench.bench_api $(BENCH_API_ARGS)

# Quote recall and false "found" on 180 generated pages (French, German, English; news, blogs, ministries,
# statistics offices, courts) served on 127.0.0.1 and fetched through the desk's fetcher, and the time and peak memory
# of reading each page and the pathological ones; then quote recall and page numbers on 40 generated French PDFs
# (1,750 pages), and PDF pages per second against pypdf's extract_text (bench/requirements.txt); writes the
# bench-quotes section of docs/benchmarks.md. No database, nothing beyond loopback. Not a test.
# BENCH_QUOTES_ARGS=--no-write prints the section instead; --pdf-only or --no-pdf runs one part.
.PHONY: bench-quotes
bench-quotes: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	DJANGO_SETTINGS_MODULE=factcheck.settings.test \
	$(BIN)/python -m bench.bench_quotes $(BENCH_QUOTES_ARGS)

# Has this been checked? Top-1/top-3 recall in the same language and across French and English, near-misses left
# unmatched, on tests/data/matching/ (the labelled set and a held-out one), and POST /api/v1/match/ p50/p95 with CPU
# per request at 100,000 claims, side by side with a trigram-only matcher; the time to embed a claim. Seeds its own
# database once (created if missing) and writes the bench-match section of docs/benchmarks.md. Not a test.
.PHONY: bench-match
bench-match: install
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	DJANGO_SETTINGS_MODULE=factcheck.settings.test \
	DATABASE_URL=$${BENCH_MATCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/factcheck_bench_match} \
	$(BIN)/python -m bench.bench_match $(BENCH_MATCH_ARGS)
