# The one entry point for people and CI. `make run` and `make test` set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test lint format bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Mutuality needs Python 3.11 or newer: install python3 and run make again."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Mutuality needs Python 3.11 or newer: install it and run make again."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 || { echo "Mutuality needs Python's venv module: install python3-venv and run make again."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)  ## Create .venv with the project (editable) and its test tools.

run: setup  ## Assess the example cases and print their reports.
	$(BIN)/mutuality assess examples/

test: setup lint  ## Lint, type-check, check the architecture, then run every test.
	$(BIN)/pytest -q

lint: setup  ## ruff, mypy --strict on the cores, import-linter.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: setup  ## Rewrite the code in the project's style.
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup  ## Run the benchmarks and print their ratios to a floor.
	$(BIN)/python bench/assess.py
	$(BIN)/python bench/outcomes.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
