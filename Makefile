# ECHO Portal. `make run` for a working site, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run periodic test lint format worker beat bench bench-reach migrate messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

# Links in emails and calendar files follow the port `make run` serves on, unless SITE_URL says otherwise.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.base-installed
	mkdir -p var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty --print-logins
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Beat's work for `make run` (which has no beat), in a second terminal: reminders, recording follow-ups, notices.
periodic: export SITE_URL ?= http://127.0.0.1:$(PORT)
periodic: $(VENV)/.base-installed
	$(PY) manage.py run_periodic_tasks --every $${PERIODIC_SECONDS:-60}

test: $(VENV)/.dev-installed
	# The compiled catalogue is committed (a fresh machine may lack gettext); refresh it where msgfmt exists.
	if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(VENV)/.base-installed
	$(PY) manage.py migrate

messages: $(VENV)/.base-installed
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=var --ignore=tests --no-obsolete --no-location
	# Sorted by message, so catalogues do not depend on the order the file system lists templates in.
	for po in $$(find . -path ./.venv -prune -o -path '*/locale/fr/LC_MESSAGES/django.po' -print); do msgattrib --sort-output --no-location -o $$po $$po; done
	$(PY) manage.py compilemessages --ignore=.venv

worker: $(VENV)/.base-installed
	$(BIN)/celery -A echo_portal worker --loglevel=INFO --concurrency=$${CELERY_CONCURRENCY:-4}

beat: $(VENV)/.base-installed
	$(BIN)/celery -A echo_portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

bench: $(VENV)/.dev-installed
	$(PY) tests/bench/run.py
	$(PY) tests/bench/invitations.py

# The national reach dashboard's time and queries over 100,000 registrations (its own PostgreSQL database).
bench-reach: $(VENV)/.dev-installed
	$(PY) tests/bench/reach.py

clean:
	rm -rf var/static var/mail
