# Two commands on a fresh machine: `make demo` and `make test`.
# Both create the virtual environment (.venv) when it is missing. `make demo` installs only
# torch and fitwell with its own dependencies; `make test` adds the test tools (the [test] extra).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.installed-base
STAMP  := $(VENV)/.installed

.PHONY: demo test test-slow bench lint format clean

$(BASE): pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e .
	touch $(BASE)

$(STAMP): $(BASE)
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[test]"
	touch $(STAMP)

demo: $(BASE)
	$(BIN)/fitwell demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# `--dist loadfile`: a module's tests on one worker, so a module's costly setup (every stored log
# diagnosed once, a notebook executed once, terminals driven once) is done once.
test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile -q -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m slow

bench: $(STAMP)
	$(BIN)/python -m bench.run --threads 1

clean:
	rm -rf $(VENV) build dist src/*.egg-info
