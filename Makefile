# Claimdesk: the commands the README names.
#   make demo   virtualenv + install + SQLite + demo data + server on 127.0.0.1:8000
#   make test   virtualenv + install + the whole test suite (DATABASE_URL picks the database)

# Django 6 needs Python >= 3.12: prefer the newest interpreter (3.13 runs the
# API 5-10 % faster than 3.12, docs/benchmarks.md), pyenv's ones newest first.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DB ?= sqlite:///$(CURDIR)/db.sqlite3
DEMO_ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: install demo test lint format fixtures bench-import bench-api bench-export bench-workspace clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

demo: install
	DEBUG=1 DATABASE_URL=$(DEMO_DB) $(PY) manage.py migrate --no-input
	DEBUG=1 DATABASE_URL=$(DEMO_DB) $(PY) manage.py loaddata demo
	@echo ""
	@echo "Claimdesk demo: http://127.0.0.1:8000/admin/"
	@echo "  logins (password: claimdesk-demo)"
	@echo "    olga     owner      of the demo project"
	@echo "    rafael   reviewer"
	@echo "    anna     annotator"
	@echo "    victor   viewer"
	@echo "    admin    superuser"
	@echo ""
	@echo "  and a worker for background jobs (release cuts, imports); Ctrl-C stops both."
	@echo ""
	@# A background process of a script ignores Ctrl-C: the trap stops the worker.
	DEBUG=1 DATABASE_URL=$(DEMO_DB) $(PY) manage.py worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 DATABASE_URL=$(DEMO_DB) $(PY) manage.py runserver $(DEMO_ADDR)

# DEBUG=1 gives the development settings (no HTTPS redirect for the test client, a
# throwaway SECRET_KEY); tests/test_deploy.py checks the production settings apart.
test: install
	DEBUG=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Rebuild fixtures/demo.json from curation/demo.py (on a throwaway SQLite database).
fixtures: install
	rm -f var/fixtures.sqlite3 && mkdir -p var
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/var/fixtures.sqlite3 $(PY) manage.py migrate -v0
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/var/fixtures.sqlite3 $(PY) manage.py demo
	DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/var/fixtures.sqlite3 $(PY) manage.py dumpdata \
		auth.user curation --natural-foreign --natural-primary --indent 1 -o fixtures/demo.json

# Benchmarks print their figures (docs/benchmarks.md records them); each
# recreates its own PostgreSQL database on 127.0.0.1:5432.
bench-import: install
	$(PY) bench/import.py

bench-api: install
	$(PY) bench/api.py

bench-export: install
	$(PY) bench/export.py

bench-workspace: install
	$(PY) bench/workspace.py

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3
