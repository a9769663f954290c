# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint sysdeps clean

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $(STAMP)

# Debian packages for PNG export and browser tests; installed only when root and missing.
sysdeps:
	@bash .ci/sysdeps.sh

run: $(STAMP)
	$(VENV)/bin/streamlit run dashboard.py

test: $(STAMP) sysdeps
	$(PY) -m pytest -q tests

bench: $(STAMP)
	$(PY) bench/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check metrics pages tests bench dashboard.py ui sample_data
	$(VENV)/bin/ruff format --check metrics pages tests bench dashboard.py ui sample_data

clean:
	rm -rf $(VENV) data/
