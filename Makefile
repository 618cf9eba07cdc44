# factcheck: `make run` for the zero-setup local desk, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export DJANGO_COLORS := nocolor

.PHONY: install run test check-migrations clean

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

# The whole suite against PostgreSQL and Redis (DATABASE_URL, REDIS_URL; standard local ports by default).
test: install
	DJANGO_SETTINGS_MODULE=factcheck.settings.test $(BIN)/pytest

clean:
	rm -rf $(VENV) var .pytest_cache
