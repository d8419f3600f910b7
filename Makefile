# gradstep — every target sets itself up: a new clone needs only Python 3.10+ and network access
# to the package registries. `make demo` is the main job; `make test` runs all tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: all install system-deps demo test lint typecheck wheel-check course bench notebooks clean help

all: demo

help:
	@echo "make demo       train a small network on the moons data set and write pictures to out/"
	@echo "make test       all tests (unit, property-based, oracle, browser, notebooks)"
	@echo "make lint       ruff, import-layer contracts, notebooks stripped of outputs"
	@echo "make typecheck  mypy over autograd/, nn/ and optim/ (the packages ship py.typed)"
	@echo "make wheel-check  build the wheel, install it in a fresh venv, run every command there"
	@echo "make course     open the course's notebooks in JupyterLab (installs it into .venv first)"
	@echo "make bench      gradstep vs micrograd vs PyTorch vs plain floats"
	@echo "make notebooks  execute the teaching notebooks, HTML copies in out/notebooks/"
	@echo "make install    only the set-up: .venv, dependencies, Graphviz"

# The virtualenv is rebuilt only when pyproject.toml changes, so a second run is quick.
$(STAMP): pyproject.toml
	@bash scripts/make-venv.sh "$(PYTHON)" "$(VENV)"
	@echo "installing gradstep and its dev dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP) system-deps

system-deps:
	@bash scripts/ensure-graphviz.sh

demo: install
	$(BIN)/gradstep demo

test: install
	@bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check autograd nn optim tests benchmarks $(wildcard scripts/*.py) gradstep_cli.py setup.py
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_notebooks_stripped.py

typecheck: install
	$(BIN)/mypy

wheel-check: install
	$(BIN)/python scripts/check_wheel.py

# `make course`, not `make lab`: `gradstep lab` is the graded build-it-yourself lab, a different thing.
$(VENV)/.course-installed: $(STAMP)
	@echo "installing JupyterLab into $(VENV) (the [course] extra) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,course]'
	@touch $@

# JupyterLab refuses to start as root unless told (containers and Colab-like machines run as root).
course: install $(VENV)/.course-installed
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

bench: install
	$(BIN)/python -m benchmarks

notebooks: install
	$(BIN)/python scripts/run_notebooks.py --html out/notebooks

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .ruff_cache .hypothesis
