# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.PHONY: setup run migrate seed test lint format bench messages schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Embedded default unless DATABASE_URL / CELERY_BROKER_URL are set in the environment.
run: export DEBUG ?= 1
# The demo admin signs in with the README's password alone (never set in production).
run: export TWO_FACTOR_EXEMPT_DEMO ?= $(DEBUG)
# The demo accounts keep the README's password: exempt from forced changes and expiry.
run: export PASSWORD_POLICY_EXEMPT_DEMO ?= $(DEBUG)
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) bin/run_embedded.py --port $(PORT)

# The suite runs in parallel, one pytest-xdist process per core (tests/conftest.py gives each
# its own test database and Redis database). PYTEST_WORKERS=0 runs it in one process; ARGS
# passes pytest options: `make test PYTEST_WORKERS=0 ARGS="tests/credit -x"`.
PYTEST_WORKERS ?= auto
test: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(ARGS)

# Performance benchmark (docs/performance.md): needs PostgreSQL and Redis; ARGS=--quick for CI.
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/linzi_bench
bench: export CELERY_BROKER_URL ?= redis://127.0.0.1:6379/5
# DEBUG=1 only spares a SECRET_KEY: the command turns query logging off and runs gunicorn with DEBUG=0.
bench: export DEBUG ?= 1
# The benchmark app (its command, endpoint and table) is installed by its own settings only.
bench: export DJANGO_SETTINGS_MODULE = benchmarks.settings
bench: setup
	$(PY) manage.py bench $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: setup
	DEBUG=1 $(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

# The API contract partner systems generate clients from (tests compare it byte for byte).
schema: setup
	DEBUG=1 $(PY) manage.py spectacular --file docs/api/openapi.yaml

clean:
	rm -rf var/celery var/celerybeat-schedule*
