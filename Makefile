# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   create .venv, install, run the main job
#   make test   install the test extras and services, run ruff, mypy --strict and pytest
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint typecheck pytest services bench clean venv

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

demo: $(STAMP)
	@$(BIN)/datacity demo

services:
	@bash scripts/test-services.sh

lint: $(STAMP)
	$(BIN)/ruff check datacity_federation tests bench
	$(BIN)/ruff format --check datacity_federation tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) services
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist out .pytest_cache .mypy_cache .ruff_cache
