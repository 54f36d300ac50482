# Two entry points (see README): `make site` builds the site from the shipped data; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint install validate fit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, pinned: this spec resolves to the CPU build here (any other spec pulls CUDA wheels)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[eval,dev]'
	touch $(STAMP)

install: $(STAMP)

validate: $(STAMP)
	$(BIN)/densing validate

site: $(STAMP)
	$(BIN)/densing validate
	$(BIN)/densing fit --out out/fit
	$(BIN)/densing build --fit-dir out/fit --out site

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench_fit.py
	$(BIN)/python benchmarks/bench_site.py
	$(BIN)/python benchmarks/bench_eval.py

clean:
	rm -rf site out .pytest_cache
