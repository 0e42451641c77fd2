# Two commands for a fresh machine: `make demo` (main job, embedded default) and `make test`.
# Each creates the virtual environment and installs everything itself.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
# rustup installs cargo here; Debian's cargo (scripts/install-system-deps.sh) is on the PATH already.
export PATH := $(HOME)/.cargo/bin:$(PATH)
NATIVE := native/fraud_fastpath
NATIVE_SOURCES := $(NATIVE)/Cargo.toml $(NATIVE)/Cargo.lock $(NATIVE)/pyproject.toml $(wildcard $(NATIVE)/src/*.rs)

.PHONY: install system-deps demo test test-unit stack-up stack-down stack-status lock env-example clean

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet uv==$(UV_VERSION)

# Re-installs only when the pins (or the native sources) change. The validator's native fast path
# is built with the crate versions of its Cargo.lock; without cargo the validator runs its Python
# path (same answers, slower) and this says so.
$(VENV)/.installed: $(BIN)/uv pyproject.toml requirements.lock $(NATIVE_SOURCES)
	$(BIN)/uv pip install --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --no-deps -e .
	if command -v cargo >/dev/null; then \
		MATURIN_PEP517_ARGS=--locked $(BIN)/uv pip install --python $(BIN)/python --reinstall --no-deps ./$(NATIVE); \
	else \
		echo "cargo not found: the validator's native fast path is not built (make system-deps installs it)"; \
	fi
	touch $@

# The dbt manifest, prepared here and never parsed at import; rebuilt when a model changes.
# It records the warehouse it was built for: run with the FRAUD_WAREHOUSE you deploy with.
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' \) -print)
dbt_project/target/manifest.json: $(VENV)/.installed $(DBT_SOURCES)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dagster-dbt project prepare-and-package --file fraud_platform/defs/dbt/project.py

install: $(VENV)/.installed dbt_project/target/manifest.json

# Java, Maven, Go, PostgreSQL and docker-compose from Debian, only those missing (needs root or sudo).
system-deps:
	./scripts/install-system-deps.sh

# The whole path on the embedded default; leaves Kafka, Elasticsearch and the Dagster UI running.
demo: system-deps install
	$(BIN)/fraud-platform stack up --profile embedded
	$(BIN)/fraud-platform stack smoke --profile embedded
	$(BIN)/fraud-platform demo

test: system-deps install
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest fraud_platform_tests/unit

stack-up: install
	$(BIN)/fraud-platform stack up --profile services

stack-down: install
	$(BIN)/fraud-platform stack down

stack-status: install
	$(BIN)/fraud-platform stack status --profile services

lock: $(BIN)/uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header --no-annotate -o requirements.lock

env-example: install
	$(BIN)/fraud-platform settings env-example > .env.example

clean:
	rm -rf $(VENV) data
