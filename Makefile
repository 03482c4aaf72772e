# Two commands on a fresh machine: `make run` serves the bundled FAQ on http://127.0.0.1:8000,
# `make test` runs every check. Both create the virtual environment they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint check eval bench load fuzz clean help

help:
	@echo "make run    - serve the bundled FAQ on http://127.0.0.1:8000 (gunicorn)"
	@echo "make test   - lint, check the FAQ, eval the labelled set, run the test suite"
	@echo "make eval   - score tests/eval/questions.yaml"
	@echo "make bench  - engine and HTTP benchmarks (bench/)"
	@echo "make clean  - remove the virtual environment and caches"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(STAMP)
	$(BIN)/faq-bot serve

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	$(BIN)/faq-bot check

eval: $(STAMP)
	$(BIN)/faq-bot eval tests/eval/questions.yaml

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/faq-bot check
	$(BIN)/faq-bot eval tests/eval/questions.yaml
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/http_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
