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

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Scale benchmark (tests/benchmarks/bench_scale.py): sizes and runs; the table goes to var/bench/scale.md.
BENCH_SCALES ?= 10000,100000,1000000
BENCH_RUNS ?= 5
BENCH_INTAKE_N ?= 300
bench: install
	BENCH_SCALES=$(BENCH_SCALES) BENCH_RUNS=$(BENCH_RUNS) BENCH_INTAKE_N=$(BENCH_INTAKE_N) $(BIN)/python -m pytest -m benchmark -s tests/benchmarks

clean:
	rm -rf $(VENV) var staticfiles
