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
	@echo "                 sysadmin secadmin auditor (the three administrator roles)"
	@echo "  password       $${GUANWU_DEMO_PASSWORD:-guanwu-demo}"
	@echo "  second factor  $(MANAGE) demo_otp <login>  prints the current 6-digit code (liaison needs none)"
	@echo "  background     one db_worker builds the printed editions requested in the admin"
	@echo ""
# The worker runs the "background" tasks (django-tasks database backend) for as long as
# gunicorn serves: the trap stops it, and waits for a build under way, when gunicorn exits.
	$(MANAGE) requeue_interrupted_tasks --worker-id local-1 -v 0
	$(MANAGE) db_worker --backend background --no-reload --worker-id local-1 & worker=$$!; \
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

# bench/durability.py at full size (2,000 submissions, a worker SIGKILLed, PostgreSQL crashed)
# on a private PostgreSQL cluster it creates and removes; the server binaries come from Debian.
.PHONY: test-durability
test-durability: $(STAMP) ## Durability under load and faults (a few minutes; PostgreSQL)
	@scripts/ensure-debs.sh postgresql
	$(BIN)/pytest -m slow -p no:xdist tests/durability $(PYTEST_ARGS)

# Benchmarks (bench/README.md): never part of `make test`. Full size takes a quiet machine and
# a while; the smoke run (tiny sizes) only proves they still run, in CI.
BENCH_DEBS := wrk nginx-light postgresql-client
.PHONY: bench
bench: test-deps ## Run the benchmarks at full size: bench/results/latest.json and bench/README.md's table
	@scripts/ensure-debs.sh $(BENCH_DEBS)
	$(PY) bench/run.py $(BENCH_ARGS)

.PHONY: bench-smoke
bench-smoke: test-deps ## The benchmarks at tiny sizes (CI): bench/results/smoke.json
	@scripts/ensure-debs.sh $(BENCH_DEBS)
	$(PY) bench/run.py --smoke $(BENCH_ARGS)

# bandit: medium severity and up on the application, the benchmarks and the scripts (settings
# in pyproject.toml [tool.bandit]); a reviewed line carries `# nosec BXXX  # why`. Bandit's
# "nosec encountered, but no failed test" chatter (several calls on one line) is dropped.
# pip-audit: the installed packages against PyPI's advisory data (scripts/pip_audit.py says
# so, and goes on, when that data cannot be reached).
.PHONY: lint
lint: $(STAMP) ## ruff lint and format check, bandit, pip-audit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r guanwu bench scripts -ll -q 2>&1 \
		| grep -v 'but no failed test'; test $${PIPESTATUS[0]} -eq 0
	$(PY) scripts/pip_audit.py

.PHONY: schema
schema: $(STAMP) ## Regenerate docs/openapi.yaml, the committed API schema (tests/api/test_openapi_file.py)
	DJANGO_SETTINGS_MODULE=guanwu.settings.test $(MANAGE) spectacular --validate --fail-on-warn \
		--lang zh-hans --file docs/openapi.yaml

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
