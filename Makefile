# Set-up on a fresh machine needs only Python >= 3.11 and pip:
#   make prove   creates .venv, installs urnn-sym, runs `urnn-sym prove all`
#   make test    same environment, runs the whole test suite (slow tests included)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install prove test test-fast soundness docs figures bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,experiments,solvers]'
	touch $(STAMP)

install: $(STAMP)

prove: $(STAMP)
	$(BIN)/urnn-sym prove all

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q -m "not slow"

soundness: $(STAMP)
	URNN_SYM_SOUNDNESS_EXAMPLES=$${URNN_SYM_SOUNDNESS_EXAMPLES:-200} $(BIN)/python -m pytest -n 2 -q tests/smt/test_soundness.py

docs: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

figures: $(STAMP)
	$(BIN)/urnn-sym figures docs/figures

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff mypy
	$(BIN)/ruff check urnn_sym proofs tests benchmarks
	$(BIN)/mypy urnn_sym

clean:
	rm -rf $(VENV) build dist site *.egg-info
