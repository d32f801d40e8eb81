# Quick start:  make run   (set up, run the default experiment)   |   make test
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

LOCK := requirements.lock

.PHONY: run test test-slow rules findings evidence bench lock clean help dashboard browser

help:
	@echo "make run    set up (first time) and run the default experiment"
	@echo "make test   set up (first time) and run the test suite (all but the slow checks)"
	@echo "make test-slow  the slow checks (CI runs both)"
	@echo "make dashboard  serve the live page on 127.0.0.1 (PORT=8765 by default)"
	@echo "make rules  regenerate docs/rules.md from the code"
	@echo "make findings  rerun the small fixed experiments behind docs/findings.md and the docs' generated numbers"
	@echo "make evidence  weigh the worldviews against the record (sim/model/data/worldview_weights.yaml, docs/evidence.md)"
	@echo "make bench  measure ensemble against one-replication-per-model throughput"
	@echo "make lock   re-pin $(LOCK) to the newest versions pyproject.toml allows (then run make test)"

# Find a Python >= 3.12: plain names first, then any pyenv-provided 3.12+ version.
$(PY):
	@set -e; found=""; \
	for cand in python3.12 python3.13 python3.14 python3; do \
	  if command -v $$cand >/dev/null 2>&1 && $$cand -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    found="$$cand"; break; fi; \
	done; \
	if [ -z "$$found" ] && command -v pyenv >/dev/null 2>&1; then \
	  for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)?$$' | sort -V); do \
	    if PYENV_VERSION=$$v python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	      found="env PYENV_VERSION=$$v python"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$found" ]; then \
	  echo "error: Python 3.12 or newer is needed; install it (e.g. 'pyenv install 3.12') and run make again" >&2; exit 1; fi; \
	echo "creating $(VENV) with $$found"; \
	$$found -m venv $(VENV)

# Installs the exact versions the tests passed with ($(LOCK)); pyproject.toml says what is needed.
# One stamp per set of extras: a run needs the package alone, the page its extra, the tests every extra.
TEST_EXTRAS := test,launchers,dashboard,ema
DASHBOARD_STAMP := $(VENV)/.installed-dashboard
TEST_STAMP := $(VENV)/.installed-test
install = $(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -c $(LOCK) -e '.$(1)'

$(STAMP): $(PY) pyproject.toml $(LOCK)
	$(call install,)
	@touch $(STAMP)

$(DASHBOARD_STAMP): $(PY) pyproject.toml $(LOCK)
	$(call install,[dashboard])
	@touch $(DASHBOARD_STAMP) $(STAMP)

$(TEST_STAMP): $(PY) pyproject.toml $(LOCK)
	$(call install,[$(TEST_EXTRAS)])
	@touch $(TEST_STAMP) $(DASHBOARD_STAMP) $(STAMP)

run: $(STAMP)
	$(PY) -m sim $(ARGS)

# make test: every check but the slow ones (marked @pytest.mark.slow), a few minutes; make test-slow: the slow
# ones; CI runs both (.ci/run). Tests run on every core (pytest-xdist); WORKERS=0 runs them in this one process.
WORKERS ?= auto
test: $(TEST_STAMP) browser
	$(PY) -m pytest -m "not slow" -n $(WORKERS)

test-slow: $(TEST_STAMP) browser
	$(PY) -m pytest -m slow -n $(WORKERS)

PORT ?= 8765
dashboard: $(DASHBOARD_STAMP)
	$(PY) -m sim.dashboard --port $(PORT)

# The page's browser test drives the system chromium (Debian package); installed here when missing and root.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing chromium for the page's browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "note: chromium is missing and cannot be installed here (not root); the browser test will be skipped"; fi

rules: $(STAMP)
	$(PY) -m sim rules

findings: $(STAMP)
	$(PY) -m sim findings

evidence: $(STAMP)
	$(PY) -m sim evidence

bench: $(TEST_STAMP)
	$(PY) benchmarks/run.py

lock: $(PY)
	@rm -rf .venv-lock && $(PY) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[$(TEST_EXTRAS)]'
	@{ echo "# Exact versions the test suite passed with; 'make lock' regenerates this file."; \
	   echo "# Python $$(.venv-lock/bin/python -c 'import platform; print(platform.python_version())')"; \
	   .venv-lock/bin/python -m pip freeze --exclude-editable | LC_ALL=C sort -f; } > $(LOCK)
	@rm -rf .venv-lock
	@echo "wrote $(LOCK); run 'make test' to check it"

clean:
	rm -rf $(VENV) results .pytest_cache
