# SupportOps: `make run` (set up and serve with workers, embedded default) and `make test` (whole suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install lint bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,test]"
	@touch $@

install: $(VENV)/.installed

# Links in emails (tracking pages, invitations) point at the port actually served.
run: export SITE_URL := $(or $(SITE_URL),http://127.0.0.1:$(PORT))
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@echo "SupportOps on http://127.0.0.1:$(PORT)  (web + celery worker + celery beat; Ctrl-C stops all)"
	SUPPORTOPS_PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

# Two passes (tests/conftest.py marks what is `serial`): the rest on PYTEST_WORKERS xdist workers, each
# with its own test database; then the serial tests (real processes, one Redis, Chromium, benchmarks)
# in one process. A pass that selects nothing (exit 5, e.g. PYTEST_ARGS naming one file) is fine.
PYTEST_WORKERS ?= 2
# Both passes run even when the first fails, so one failure does not hide the others.
test: install
	@rc=0; \
	$(BIN)/python -m pytest -m "not serial" -n $(PYTEST_WORKERS) $(PYTEST_ARGS) $(PYTEST_PARALLEL_ARGS) \
		|| { s=$$?; [ $$s -eq 5 ] || rc=$$s; }; \
	$(BIN)/python -m pytest -m serial $(PYTEST_ARGS) $(PYTEST_SERIAL_ARGS) \
		|| { s=$$?; [ $$s -eq 5 ] || rc=$$s; }; \
	exit $$rc

# ruff, then the layers (import-linter's contracts in pyproject.toml: see docs/architecture.md).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Benchmarks at full scale (`make test` runs them at CI scale: pages at 100k/200k, 100k rows under the sweep).
# bench_scale.py's table goes to var/bench/scale.md.
BENCH_SCALES ?= 10000,100000,1000000
BENCH_RUNS ?= 5
BENCH_SWEEP_ROWS ?= 1000000
BENCH_INTAKE_N ?= 300
# Then intake over HTTP (tests/benchmarks/intake_http/run.py): SupportOps, a bare Django view and
# django-helpdesk's public form (its own venv, from PyPI), each behind gunicorn with BENCH_WORKERS workers,
# on this PostgreSQL and Redis; table in var/bench/intake_http.md. Uses `ab` (apache2-utils) if installed,
# else a slower Python client.
BENCH_WORKERS ?= 3
BENCH_HTTP_N ?= 600
BENCH_HTTP_RUNS ?= 5
bench: install
	BENCH_SCALES=$(BENCH_SCALES) BENCH_RUNS=$(BENCH_RUNS) BENCH_SWEEP_ROWS=$(BENCH_SWEEP_ROWS) \
		BENCH_INTAKE_N=$(BENCH_INTAKE_N) \
		$(BIN)/python -m pytest -m benchmark -s tests/benchmarks
	BENCH_WORKERS=$(BENCH_WORKERS) BENCH_HTTP_N=$(BENCH_HTTP_N) BENCH_HTTP_RUNS=$(BENCH_HTTP_RUNS) \
		$(BIN)/python tests/benchmarks/intake_http/run.py

clean:
	rm -rf $(VENV) var staticfiles
