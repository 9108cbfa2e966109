# Quick start: `make demo` (set up and run a stored query) · `make test` (set up and run the checks).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-quick lint clean web

$(BIN)/clusterkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/clusterkg web
	$(BIN)/clusterkg query clusters-of-company -p company Rūta -p sector food

test: $(BIN)/clusterkg web lint
	$(BIN)/python -m pytest -q

test-quick: $(BIN)/clusterkg web
	$(BIN)/python -m pytest -q -m "not slow"

# The query editor of `clusterkg serve` (YASGUI): from the npm registry as web/package-lock.json
# pins it, its two built files copied where the server serves them (git ignores both folders).
# Without npm the server offers a plain query form instead.
VENDOR := src/clusterkg/server/static/vendor
YASGUI_BUILD := web/node_modules/@zazuko/yasgui/build

web: $(VENDOR)/yasgui.min.js

$(VENDOR)/yasgui.min.js: web/package.json web/package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "npm not found: clusterkg serve offers a plain query form instead of YASGUI"; \
	elif ! npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error >web/npm.log 2>&1; then \
		echo "npm ci failed (web/npm.log): clusterkg serve offers a plain query form instead of YASGUI"; \
	else \
		mkdir -p $(VENDOR) && cp $(YASGUI_BUILD)/yasgui.min.css $(YASGUI_BUILD)/yasgui.min.js $(VENDOR)/; \
	fi

lint: $(BIN)/clusterkg
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache web/node_modules $(VENDOR)
