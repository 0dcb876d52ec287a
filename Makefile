# Two commands: `make run` serves the app with a Celery worker, `make test` runs every check.
# Everything the project needs is installed from here; nothing by hand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
PYTEST_WORKERS ?= 2
export XDG_RUNTIME_DIR ?= $(CURDIR)/var/run

.PHONY: run test install chromium lint format migrations-check stop demo worker clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# Debian's chromium drives the browser tests; Playwright's own browser download does not work here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) -m pytest tests/test_migrations.py

test: install chromium lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_input
	$(PY) manage.py load_demo_rounds

run: demo
	@echo "Starting the Celery worker (with beat) and the web server on http://127.0.0.1:8000 (Ctrl-C stops both)"
	@trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(PY) -m celery -A config worker -B --loglevel=INFO --concurrency=2 & WORKER=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000

worker: install
	$(PY) -m celery -A config worker --loglevel=INFO --concurrency=2

stop: install
	$(PY) manage.py embedded_db stop

clean: stop
	rm -rf var/
