# Newsbrief — everyday commands. `make demo` and `make test` set up what they need by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every Python process of a run (test workers, local stacks, each CLI call) would otherwise
# compile boto3, moto and the rest from source again: let the first one cache the bytecode.
unexport PYTHONDONTWRITEBYTECODE
# Where `make unit` records the functions' AWS calls for the IAM check (local/call_recorder.py).
CALLS := .iam-calls
UV = $(shell test -x $(BIN)/uv && echo $(BIN)/uv || command -v uv || echo $(BIN)/uv)

.PHONY: help demo serve test lint typecheck cfn-lint unit iam-check build checkov bench bench-data clean lock layer-lock translations

## help: this list of targets, one line each
help:
	@sed -n 's/^## \([a-z-]*\): \(.*\)/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | expand -t 14

# uv installs the locked requirements in seconds; pip is the fallback when uv cannot be had.
# The virtualenv starts without pip (seeding it costs seconds): uv comes from PATH or is put into
# it by the interpreter's own pip, and pip is seeded only when the fallback needs it.
$(STAMP): requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	test -x $(BIN)/uv || command -v uv >/dev/null || \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check --prefix $(VENV) uv || true
	if $(UV) --version >/dev/null 2>&1; then \
		$(UV) pip install --python $(BIN)/python --quiet --require-hashes -r requirements-dev.lock && \
		$(UV) pip install --python $(BIN)/python --quiet --no-deps -e . ; \
	else \
		$(BIN)/python -m ensurepip --upgrade --default-pip && \
		$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock && \
		$(BIN)/python -m pip install --quiet --no-deps -e . ; \
	fi
	touch $(STAMP)

## lock: resolve requirements-dev.txt into requirements-dev.lock (hashes); UPGRADE=1 takes newer releases
lock: $(STAMP)
	$(UV) pip compile --universal --python-version 3.11 --generate-hashes --quiet $(if $(UPGRADE),--upgrade) \
		requirements-dev.txt -o requirements-dev.lock

## layer-lock: resolve the layer's requirements.txt into its hashed requirements.lock for python3.13 / aarch64
layer-lock: $(STAMP)
	cd layers/newsbrief && $(abspath $(UV)) pip compile --python-platform aarch64-manylinux2014 \
		--python-version 3.13 --generate-hashes --quiet $(if $(UPGRADE),--upgrade) \
		requirements.txt -o requirements.lock

## translations: the reader's strings into each language's catalogue (.po, to translate), then compiled (.mo)
# The .mo files are committed, so that the layer's build needs no Babel; a unit test checks they are current.
READER_LOCALE := layers/newsbrief/python/newsbrief/reader/locale
translations: $(STAMP)
	$(BIN)/pybabel -q extract -F $(READER_LOCALE)/babel.cfg --no-location --sort-output -k N_ \
		--project Newsbrief --copyright-holder Newsbrief -o $(READER_LOCALE)/reader.pot \
		layers/newsbrief/python/newsbrief/reader functions/reader
	$(BIN)/pybabel -q update -i $(READER_LOCALE)/reader.pot -d $(READER_LOCALE) -D reader \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --width 100
	$(BIN)/pybabel -q compile -d $(READER_LOCALE) -D reader --statistics
	rm $(READER_LOCALE)/reader.pot

## demo: the local stack with the sample articles uploaded, processed and reported; Ctrl-C stops
demo: $(STAMP)
	$(BIN)/python -m local demo

## serve: the same local stack without the samples
serve: $(STAMP)
	$(BIN)/python -m local serve

## test: lint, format check, type check and template lint beside the test suite and its IAM check
# The linters run while pytest's workers start and finish, so no core waits. They print only what
# they find, so pytest's progress is not broken up on a clean tree.
test: $(STAMP)
	$(MAKE) --no-print-directory -j4 lint typecheck cfn-lint unit

## lint: ruff's lint rules and its format check
lint: $(STAMP)
	$(BIN)/ruff check --quiet .
	$(BIN)/ruff format --check --quiet .

## typecheck: mypy over the library, the functions, the local stack, bench/, scripts/ and the unit fakes
# The fakes and the tests that hand them to the stages and the service are checked too: mypy holds
# each fake to the signatures of the adapter it stands in for.
typecheck: $(STAMP)
	$(BIN)/mypy --no-error-summary layers/newsbrief/python/newsbrief cli/newsbrief_cli functions local bench scripts \
		tests/unit/fakes.py tests/unit/test_stages.py tests/unit/test_service.py tests/unit/test_editorial.py

## cfn-lint: cfn-lint over template.yaml
cfn-lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml

## unit: the pytest suite alone, without the linters, then the IAM check of the calls it recorded
# Every function instance the suite runs (in-process, and in the local stacks it starts) records
# its AWS calls into $(CALLS); the check runs once all of them have ended.
unit: $(STAMP)
	rm -rf $(CALLS)
	NEWSBRIEF_RECORD_CALLS=$(abspath $(CALLS)) $(BIN)/python -m pytest
	$(BIN)/python -m local.iam_check $(CALLS)

## iam-check: the calls `make unit` or `make test` recorded, checked again against template.yaml's roles
iam-check: $(STAMP)
	$(BIN)/python -m local.iam_check $(CALLS)

## build: `sam build` for python3.13 / arm64 (installs the SAM CLI in its own virtualenv)
build:
	bash scripts/sam-build.sh

## checkov: the template's security scan (checkov in its own virtualenv, .venv-checkov)
checkov:
	test -x .venv-checkov/bin/checkov || ($(PYTHON) -m venv .venv-checkov && .venv-checkov/bin/python -m pip install --quiet checkov==3.3.30)
	.venv-checkov/bin/checkov --quiet --compact -f template.yaml --framework cloudformation

## bench-data: verify the benches' data sets, or fetch them (bench/datasets.json; NEWSBRIEF_BENCH_DATA_URL: a mirror)
bench-data: $(STAMP)
	$(BIN)/python bench/datasets.py fetch

## bench: the pipeline bench: throughput per stage, cold imports, AWS cost of 1,000 articles
bench: $(STAMP)
	$(BIN)/python bench/pipeline.py

## clean: remove the virtualenvs, the SAM build and the tool caches
clean:
	rm -rf $(VENV) .venv-checkov .aws-sam .mypy_cache .ruff_cache $(CALLS)
