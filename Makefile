# Quick start: `make demo` (set up and run a stored query) · `make test` (set up and run the checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-quick lint clean

$(BIN)/clusterkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/clusterkg
	$(BIN)/clusterkg query clusters-of-company -p company Rūta -p sector food

test: $(BIN)/clusterkg lint
	$(BIN)/python -m pytest -q

test-quick: $(BIN)/clusterkg
	$(BIN)/python -m pytest -q -m "not slow"

lint: $(BIN)/clusterkg
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
