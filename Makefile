# Claimdesk: the commands the README names.
#   make demo   virtualenv + install + SQLite + demo data + server on 127.0.0.1:8000 (HOST=, PORT=)
#   make test   virtualenv + install + the whole test suite (DATABASE_URL picks the database)

# Django 6 needs Python >= 3.12: prefer the newest interpreter (3.13 runs the
# API 5-10 % faster than 3.12, docs/benchmarks.md), pyenv's ones newest first.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DB ?= sqlite:///$(CURDIR)/db.sqlite3
PYTEST_ARGS ?=

.PHONY: install demo demo-reset test lint format fixtures bench-import bench-api bench-export bench-workspace clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# `make demo HOST=0.0.0.0 PORT=8001` when 8000 is taken. The demo data is loaded
# only into a database without projects, so a second `make demo` keeps your
# changes; `make demo-reset` empties the database and loads it again.
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ENV = DEBUG=1 DATABASE_URL=$(DEMO_DB)

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --no-input
	@if $(DEMO_ENV) $(PY) manage.py shell -v0 -c \
		"import sys; from curation.models import Project; sys.exit(Project.objects.exists())"; \
	then $(DEMO_ENV) $(PY) manage.py loaddata demo; \
	else echo "Keeping the data already in the database (make demo-reset loads the demo afresh)."; fi
	@echo ""
	@echo "Claimdesk demo: http://$(HOST):$(PORT)/admin/"
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
	$(DEMO_ENV) $(PY) manage.py worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

demo-reset: install
	$(DEMO_ENV) $(PY) manage.py flush --no-input
	$(MAKE) demo

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
