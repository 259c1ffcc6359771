# Two commands on a fresh machine with Python 3.11 and make:
#   make site   set up .venv, validate articles/, build the archive into site/
#   make test   set up .venv with the test tools, run linters and the whole test suite

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test check serve lint unit slow browser audit-deps clean
.DEFAULT_GOAL := site

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run the install whenever pyproject.toml changes.
$(VENV)/.site-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.site-installed

site: $(VENV)/.site-installed
	$(BIN)/dateline build

check: $(VENV)/.site-installed
	$(BIN)/dateline check

# Builds, serves site/ at http://localhost:8000/ and builds again after each change.
serve: $(VENV)/.site-installed
	$(BIN)/dateline serve

lint: $(VENV)/.test-installed
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

unit: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m 'not slow and not browser'

slow: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m slow

browser: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m browser

# Known vulnerabilities in the installed dependencies. Needs the advisory services of
# PyPI and OSV, which CI's network here does not reach; the Pages workflow runs it.
audit-deps: $(VENV)/.site-installed
	$(BIN)/python -m pip install --quiet "pip-audit>=2.10"
	$(BIN)/pip-audit --strict --progress-spinner off --skip-editable

clean:
	rm -rf site .site.* .dateline docs/index.md docs/feed.xml docs/articles docs/cities docs/countries docs/dates .pytest_cache .mypy_cache
