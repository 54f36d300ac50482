# Two entry points (see README): `make site` builds the site from the shipped data; `make test` runs the tests.
# Installs come from the hashed lock files in requirements/ (see requirements/lock.py):
#   make site  -> requirements/site.txt  (data, fit, site: no torch)
#   make test  -> requirements/test.txt  (+ evaluators with torch's CPU build, + dev tools)
#   make bench -> requirements/bench.txt (+ lm-evaluation-harness)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --require-hashes --no-deps
LOCKS := requirements/site.txt requirements/test.txt requirements/bench.txt

.PHONY: site test lint install install-site install-test lock check-lock validate fit bench clean

check-lock:
	@$(PYTHON) requirements/lock.py check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per lock: installing a lock again only when it changed.
$(VENV)/.%-installed: requirements/%.txt | $(BIN)/python
	@$(PYTHON) requirements/lock.py check $*.txt
	$(PIP) -r requirements/$*.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.*-installed
	touch $@

install-site: check-lock $(VENV)/.site-installed
install-test: check-lock $(VENV)/.test-installed
install: install-test

validate: install-site
	$(BIN)/densing validate

# `make site` needs no torch: it installs requirements/site.txt alone (unless the test set is already
# there, which is a superset).
site: check-lock
	@if [ ! -f $(VENV)/.test-installed ] && [ ! -f $(VENV)/.bench-installed ]; then $(MAKE) --no-print-directory $(VENV)/.site-installed; fi
	$(BIN)/densing validate
	$(BIN)/densing fit --out out/fit
	$(BIN)/densing build --fit-dir out/fit --out site

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2 --dist loadgroup -q

# Regenerate the lock files after a dependency change in pyproject.toml; commit them with it.
lock: install-test
	$(BIN)/python requirements/lock.py update $(BIN)/uv

bench: check-lock $(VENV)/.bench-installed
	$(BIN)/python benchmarks/bench_fit.py
	$(BIN)/python benchmarks/bench_site.py
	$(BIN)/python benchmarks/calculator_agreement.py
	$(BIN)/python benchmarks/bench_eval.py
	$(BIN)/python benchmarks/bench_hostile.py
	$(BIN)/python benchmarks/bench_capabilities.py

clean:
	rm -rf site out .pytest_cache
