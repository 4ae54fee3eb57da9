# Developer entry points. `make test` is what CI runs (through .ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: venv test test-fast test-integration lint format demo clean mod-wsgi-options soak bench bench-quick

$(BIN)/warpdrive: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/warpdrive

test: venv  ## run the whole test suite
	$(BIN)/python -m pytest -ra --durations=30 $(PYTEST_ARGS)

# The inner loop: the in-process tier, wherever its tests live; no commands run as
# processes, no servers, no images (tests/conftest.py marks the tiers).
test-fast: venv  ## the in-process tier, under a minute
	$(BIN)/python -m pytest -q -m "not integration and not docker" $(PYTEST_ARGS)

test-integration: venv  ## the command and real servers as processes, without the slow tests or Docker
	$(BIN)/python -m pytest -ra -m "integration and not slow and not docker" $(PYTEST_ARGS)

# The load test of every server for 120 s instead of the 20 s `make test` gives it.
SOAK_SECONDS ?= 120

soak: venv  ## 100 connections against the examples under each server, SOAK_SECONDS long
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/python -m pytest -ra -s tests/integration/test_soak.py $(PYTEST_ARGS)

# The performance figures (benchmarks/README.md); BENCH_ARGS passes options on.
bench: venv  ## every figure (about 32 minutes on 2 CPUs): benchmarks/results.md and results.json
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-quick: venv  ## a subset in 3 to 5 minutes, as CI runs it: benchmarks/work/results-quick.*
	$(BIN)/python -m benchmarks.run --quick $(BENCH_ARGS)

lint: venv  ## ruff lint and format check, mypy, shellcheck on the sh scripts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	shellcheck -s sh server-scripts/start-* s2i/bin/* examples/shell/app.sh

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The demo serves examples/django. Its environment lives in the checkout and uses the
# system Python when there is one: as root, mod_wsgi runs the app as www-data, which
# cannot read a Python or an environment under /root.
DEMO_HOME ?= $(CURDIR)/.demo
DEMO_PORT ?= 8080
DEMO_PYTHON ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || command -v $(PYTHON))

demo: venv  ## build examples/django and serve it on http://localhost:$(DEMO_PORT)/
	cd examples/django && WARPDRIVE_HOME=$(DEMO_HOME) $(abspath $(BIN))/warpdrive activate --python $(DEMO_PYTHON) >/dev/null
	WARPDRIVE_HOME=$(DEMO_HOME) $(BIN)/warpdrive build examples/django
	@echo "-----> Serving the Django example at http://localhost:$(DEMO_PORT)/ (Ctrl-C stops it)"
	WARPDRIVE_HOME=$(DEMO_HOME) exec $(BIN)/warpdrive start examples/django --port $(DEMO_PORT)

clean:
	rm -rf $(VENV) $(DEMO_HOME) build dist .pytest_cache .ruff_cache

mod-wsgi-options: venv  ## regenerate warpdrive/serve/servers/mod_wsgi_options.txt from MOD_WSGI_EXPRESS's --help
	$(MOD_WSGI_EXPRESS) start-server --help | $(BIN)/python -c "import sys; from warpdrive.serve.servers import mod_wsgi_options; mod_wsgi_options.write_table(sys.stdin.read())"
