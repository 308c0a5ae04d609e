# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   create .venv, install, run the main job
#   make test   install the test extras, services and the PDF's fonts, run ruff, the import
#               contracts (lint-imports), mypy --strict and pytest
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint imports typecheck pytest services fonts bench clean venv messages

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

# The fonts the review's PDF is drawn with (Noto, every shipped script), in the venv.
fonts: $(STAMP)
	@bash scripts/review-fonts.sh $(VENV)/share/datacity-fonts

lint: $(STAMP)
	$(BIN)/ruff check datacity_federation tests bench
	$(BIN)/ruff format --check datacity_federation tests bench

# The architecture of docs/architecture.md as import-linter contracts ([tool.importlinter]).
imports: $(STAMP)
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) services fonts
	$(BIN)/python -m pytest

test: lint imports typecheck pytest

# Extract every marked message (Python and templates, babel.cfg) and update the shipped catalogues.
messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -c "Translators:" --project datacity-federation \
		--version 0.1.0 --msgid-bugs-address none --no-wrap --sort-by-file --ignore-dirs ".*" \
		-o datacity_federation/locale/datacity.pot .
	$(BIN)/pybabel -q update -D datacity -i datacity_federation/locale/datacity.pot \
		-d datacity_federation/locale --no-fuzzy-matching --ignore-obsolete --no-wrap

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
