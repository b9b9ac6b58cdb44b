# cpps — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_COMPLAINTS ?= 20000
HOST ?= 127.0.0.1:8000
# PostgreSQL run of the test suite (the database is created and dropped by the tests).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/cpps

.PHONY: install run test test-fast test-sqlite test-postgres lint format bench clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The demo runs with debug on, explicitly: the settings' default is off.
run: export CPPS_DEBUG = 1

# axe-core for the accessibility checks of the browser tests (npm, never a CDN or a copy).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(BIN)/cpps setup --demo-accounts
	$(BIN)/cpps demo --complaints $(DEMO_COMPLAINTS) --if-empty
	@echo "cpps : ouvrez http://$(HOST)/ (serveur web et worker ; Ctrl-C arrête les deux)"
	$(BIN)/cpps run $(HOST)

test: install lint test-sqlite test-postgres

# Inner loop: SQLite only, no browser (the full run is `make test`).
test-fast: install
	$(BIN)/pytest -q -m "not browser"

test-sqlite: install
	$(BIN)/pytest

test-postgres: install
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var
