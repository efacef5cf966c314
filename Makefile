# Guanwu (关务公开平台). `make run` and `make test` work on a fresh Debian machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
STAMP := $(VENV)/.installed

# Debian packages: Noto CJK for the PDFs, gettext to compile translations; the tests also
# drive Debian's Chromium, read PDFs back with poppler and run axe-core (npm) in the browser.
RUN_DEBS := fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils zbar-tools

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install the Python dependencies
	@scripts/ensure-debs.sh $(RUN_DEBS)

.PHONY: prepare
prepare: install ## Migrate, compile translations, collect static files, load the demo district
	$(MANAGE) migrate --noinput
	$(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*' -v 0
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_demo

.PHONY: run
run: prepare ## Install, migrate, load the demo and serve on 127.0.0.1:$(PORT) with gunicorn
	@echo ""
	@echo "Guanwu is serving on http://$(HOST):$(PORT)/"
	@echo "  public column  http://$(HOST):$(PORT)/"
	@echo "  directory      http://$(HOST):$(PORT)/directory/"
	@echo "  staff admin    http://$(HOST):$(PORT)/admin/"
	@echo "  API            http://$(HOST):$(PORT)/api/v1/units/  (docs: /api/v1/docs/)"
	@echo "  demo logins    admin office supervision legal centre liaison chief division supervisor centrehead"
	@echo "  password       $${GUANWU_DEMO_PASSWORD:-guanwu-demo}"
	@echo "  background     one db_worker builds the printed editions requested in the admin"
	@echo ""
# The worker runs the "background" tasks (django-tasks database backend) for as long as
# gunicorn serves: the trap stops it, and waits for a build under way, when gunicorn exits.
	$(MANAGE) db_worker --backend background --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn guanwu.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --timeout 60

.PHONY: test-deps
test-deps: $(STAMP)
	@scripts/ensure-debs.sh $(TEST_DEBS)
	@command -v npm >/dev/null || scripts/ensure-debs.sh nodejs npm
	test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	DJANGO_SETTINGS_MODULE=guanwu.settings.test $(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*' -v 0

.PHONY: test
test: test-deps ## Run the whole test suite (SQLite unless DATABASE_URL says otherwise)
	DJANGO_SETTINGS_MODULE=guanwu.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=guanwu.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

.PHONY: lint
lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: $(STAMP) ## Format and autofix with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: messages
messages: $(STAMP) ## Update the English catalogue and compile all catalogues
	$(MANAGE) makemessages -l en --no-location --no-obsolete --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'
	$(MANAGE) compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

.PHONY: clean
clean: ## Remove the virtualenv and generated files (keeps var/ data)
	rm -rf $(VENV) .pytest_cache
