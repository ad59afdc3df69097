# Newsbrief — everyday commands. `make demo` and `make test` set up what they need by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint typecheck cfn-lint unit build checkov bench clean

$(STAMP): requirements-dev.txt layers/newsbrief/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## demo: the local stack with the sample articles uploaded, processed and reported; Ctrl-C stops
demo: $(STAMP)
	$(BIN)/python -m local demo

## serve: the same local stack without the samples
serve: $(STAMP)
	$(BIN)/python -m local serve

## test: lint, format check, type check, template lint, then the test suite
test: lint typecheck cfn-lint unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy layers/newsbrief/python/newsbrief functions local bench scripts

cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml

unit: $(STAMP)
	$(BIN)/python -m pytest

## build: `sam build` for python3.13 / arm64 (installs the SAM CLI in its own virtualenv)
build:
	bash scripts/sam-build.sh

## checkov: the template's security scan (checkov in its own virtualenv, .venv-checkov)
checkov:
	test -x .venv-checkov/bin/checkov || ($(PYTHON) -m venv .venv-checkov && .venv-checkov/bin/python -m pip install --quiet checkov==3.3.30)
	.venv-checkov/bin/checkov --quiet --compact -f template.yaml --framework cloudformation

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py

clean:
	rm -rf $(VENV) .venv-checkov .aws-sam .mypy_cache .ruff_cache
