# Developer entry points. `make test` is what CI runs (through .ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: venv test lint format demo clean

$(BIN)/warpdrive: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/warpdrive

test: venv  ## run the whole test suite
	$(BIN)/python -m pytest -ra $(PYTEST_ARGS)

lint: venv  ## ruff lint and format check, shellcheck on the sh scripts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	shellcheck -s sh server-scripts/* examples/shell/app.sh

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: venv  ## show warpdrive at work on the Django example
	$(BIN)/warpdrive info examples/django

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
