# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean lab-down

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

## open the console on the embedded lab estate (starts the lab, stops it on exit)
run: $(STAMP)
	$(VENV)/bin/appmgr --lab

## everything the tests need, then the tests (the same command CI runs)
test: $(STAMP)
	scripts/test-deps.sh
	$(VENV)/bin/ruff check core tui tests bench
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check core tui tests bench

## benchmarks: results as JSON in bench/results/, compared with the anchor tools
bench: $(STAMP)
	scripts/test-deps.sh --bench
	$(PY) -m bench.run_all

lab-down: $(STAMP)
	$(VENV)/bin/appmgr lab down

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
