# Two commands on a fresh machine: `make run` serves the bundled FAQ on http://127.0.0.1:8000,
# `make test` runs every check. Both create the virtual environment they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed
EVAL_SETS := $(wildcard tests/eval/*.yaml)
CONVERSATION_SETS := $(wildcard tests/eval/conversations/*.yaml)

.PHONY: run test lint check eval train bench load fuzz clean help

help:
	@echo "make run    - serve the bundled FAQ on http://127.0.0.1:8000 (gunicorn)"
	@echo "make test   - lint (ruff, import contracts), check the FAQ, eval the labelled sets, run the tests"
	@echo "make eval   - score every labelled set, then leave-one-writer-out figures"
	@echo "make train  - rebuild the learned safety screen and entry model from the labelled sets"
	@echo "make bench  - engine and HTTP benchmarks (bench/)"
	@echo "make load   - 100k mixed requests against gunicorn, then SIGKILL a worker under load"
	@echo "make fuzz   - the contract and engine fuzzers with FUZZ_EXAMPLES examples (5000)"
	@echo "make clean  - remove the virtual environment and caches"

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(RUN_STAMP)
	$(BIN)/faq-bot serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check: $(STAMP)
	$(BIN)/faq-bot check

# Each set at its bar, then the honest figures: leave-one-writer-out for the rules, the learned
# screen and both, and the held-out sets (tests/eval/heldout/).
eval: $(STAMP)
	@for f in $(EVAL_SETS); do echo "== $$f"; $(BIN)/faq-bot eval $$f || exit 1; done
	@for f in $(CONVERSATION_SETS); do echo "== $$f"; $(BIN)/faq-bot eval $$f || exit 1; done
	$(BIN)/faq-bot crossval

# Rebuild the learned screen (faq_bot/core/safety/model/screen.json.gz) and the entry model
# (faq_bot/core/model/entries.json.gz) from the labelled sets; commit the result. `make test`
# fails while a shipped model is stale.
train: $(STAMP)
	$(BIN)/faq-bot train

# axe-core for the widget's accessibility test (tests/browser); npm, not a CDN.
tests/browser/node_modules: tests/browser/package.json
	npm install --no-audit --no-fund --prefix tests/browser
	touch $@

test: $(STAMP) tests/browser/node_modules
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/faq-bot check
	@for f in $(EVAL_SETS); do echo "== $$f"; $(BIN)/faq-bot eval $$f || exit 1; done
	@for f in $(CONVERSATION_SETS); do echo "== $$f"; $(BIN)/faq-bot eval $$f || exit 1; done
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/http_bench.py
	$(BIN)/python bench/startup_bench.py --http

# Bounded runs that stop by themselves (docs/hardening.md has the figures). wrk is used when
# installed (apt-get install wrk), else a Python load generator; CI does not run these.
LOAD_REQUESTS ?= 100000
load: $(STAMP)
	$(BIN)/python bench/load.py --requests $(LOAD_REQUESTS)
	$(BIN)/python bench/load.py --requests 20000 --kill-worker-at 5

FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q \
		tests/test_schemathesis.py tests/test_engine_fuzz.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
