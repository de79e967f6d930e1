# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean lab-down gssapi

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

## open the console on the embedded lab estate (starts the lab, stops it on exit);
## `make run LAB_NET=127.0.21` puts the lab on another loopback /24 than 127.0.10
LAB_NET ?=
run: $(STAMP)
	$(VENV)/bin/appmgr --lab $(if $(LAB_NET),--lab-net $(LAB_NET))

## the 'gssapi' extra (Kerberos: peer tests, `appmgr dfo --gss`); it compiles against
## libkrb5-dev (~45 s), so only when it is missing and the headers are there
gssapi: $(STAMP)
	@if $(PY) -c 'import gssapi' 2>/dev/null; then :; \
	elif command -v krb5-config >/dev/null && command -v gcc >/dev/null; then \
	  echo "installing the gssapi extra (compiles, ~45 s)"; $(PY) -m pip install -q -e '.[gssapi]'; \
	else echo "gssapi extra not installed: it needs libkrb5-dev and gcc (scripts/test-deps.sh as root)"; fi

## everything the tests need, then the tests (the same command CI runs): the main suite,
## then the peer tests against real Samba AD and BIND9 (scripts/peers.sh: needs root and
## the packages; otherwise it says they were skipped and why; with CI=true it fails)
test: $(STAMP)
	scripts/test-deps.sh
	$(MAKE) --no-print-directory gssapi
	$(VENV)/bin/ruff check core tui tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q --ignore=tests/peers
	PY=$(PY) scripts/peers.sh -q

lint: $(STAMP)
	$(VENV)/bin/ruff check core tui tests bench
	$(VENV)/bin/mypy

## benchmarks: results as JSON in bench/results/, compared with the anchor tools
bench: $(STAMP)
	scripts/test-deps.sh --bench
	$(MAKE) --no-print-directory gssapi
	$(PY) -m bench.run_all

lab-down: $(STAMP)
	$(VENV)/bin/appmgr lab down

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
